//! QR codes: one encoding (the `qrcode` crate, error correction M) shared by the screen, which
//! draws it as a crisp image, and by printed layouts, which draw its modules as vector squares.

use qrcode::{EcLevel, QrCode};

/// Modules of quiet zone around the code (the standard asks for 4).
pub const QUIET: usize = 4;

/// A QR code as a square of dark/light modules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    pub width: usize,
    dark: Vec<bool>,
}

#[derive(Debug, thiserror::Error)]
#[error("this address is too long for a QR code ({0} bytes)")]
pub struct TooLong(pub usize);

impl QrMatrix {
    pub fn encode(text: &str) -> Result<QrMatrix, TooLong> {
        let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).map_err(|_| TooLong(text.len()))?;
        Ok(QrMatrix {
            width: code.width(),
            dark: code.to_colors().into_iter().map(|c| c == qrcode::Color::Dark).collect(),
        })
    }

    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.width && y < self.width && self.dark[y * self.width + x]
    }

    /// RGBA pixels, `scale` pixels per module, with the quiet zone; black on white.
    pub fn to_rgba(&self, scale: usize) -> (u32, u32, Vec<u8>) {
        let side = (self.width + 2 * QUIET) * scale;
        let mut px = vec![255u8; side * side * 4];
        for y in 0..self.width {
            for x in 0..self.width {
                if !self.is_dark(x, y) {
                    continue;
                }
                for dy in 0..scale {
                    let row = (y + QUIET) * scale + dy;
                    for dx in 0..scale {
                        let col = (x + QUIET) * scale + dx;
                        let i = (row * side + col) * 4;
                        px[i..i + 3].copy_from_slice(&[0, 0, 0]);
                    }
                }
            }
        }
        (side as u32, side as u32, px)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_a_url_with_a_quiet_zone() {
        let m = QrMatrix::encode("https://www.example.gov.cn/zwgk/2024/001.html").unwrap();
        assert!(m.width >= 21 && m.width % 4 == 1);
        // finder pattern corner is dark
        assert!(m.is_dark(0, 0) && m.is_dark(6, 6) && !m.is_dark(7, 7));
        let (w, h, px) = m.to_rgba(3);
        assert_eq!((w as usize, h as usize), ((m.width + 8) * 3, (m.width + 8) * 3));
        assert_eq!(&px[..4], &[255, 255, 255, 255], "quiet zone is white");
        let i = ((QUIET * 3) * w as usize + QUIET * 3) * 4;
        assert_eq!(&px[i..i + 4], &[0, 0, 0, 255]);
        assert!(QrMatrix::encode(&"x".repeat(5000)).is_err());
    }
}
