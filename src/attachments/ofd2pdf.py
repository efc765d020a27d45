"""OFD (GB/T 33190) to PDF through easyofd, for gongkai-kiosk's publishing step (MIT OR
Apache-2.0, like the project). The kiosk's binary carries this file and runs it with the Python
that has easyofd (src/attachments/ofd.rs): a separate process in a folder of its own, with a time
limit, so nothing of easyofd or PyMuPDF (AGPL) is ever linked into the kiosk.

    python3 -I ofd2pdf.py IN.ofd OUT.pdf

Exit status: 0 the PDF is written; 2 the OFD cannot be read (one line on stderr says why);
3 easyofd is not installed for this Python (stderr names the missing module); 4 no font to
embed (see below).

What it sets around easyofd, and why:
- easyofd draws every character in the font registered as "宋体", which it looks for as
  Windows' simsun.ttc and otherwise replaces with Helvetica: Chinese text would be lost. Here
  "宋体" is a TrueType font with Chinese and Latin letters (WenQuanYi Micro Hei from Debian's
  fonts-wqy-microhei, Apache-2.0, or GONGKAI_KIOSK_OFD_FONT), embedded as a subset with its
  Unicode map: pdftotext reads the text, and every printer prints it as on screen. (A font
  named but not embedded, reportlab's STSong-Light, was tried first: Ghostscript, which CUPS
  runs, drew it with Droid Sans Fallback, which has no digits, so every number was missing
  from the printed page.) Exit status 4 when no such font is found.
- easyofd scales millimetres by 200/25.4, which makes an A4 page 583 mm wide; 72/25.4 gives
  PDF points, so the PDF has the OFD's paper size and prints at it.
- reportlab's invariant mode (and binary streams, a fifth smaller than its ASCII85): the same OFD always gives the same bytes, so a second publisher
  makes the same content-addressed object and a kiosk fetches nothing new.
- easyofd strokes a path in its fill colour and never fills it; a rule that has only a stroke
  colour (the red line under a 红头文件's heading) would come out black, so the stroke colour is
  given to easyofd as the path's colour.
- the package is checked before easyofd unpacks it (a ZIP with OFD.xml, bounded size), and a
  drawing error fails the conversion instead of easyofd's silent empty PDF.
"""

import base64
import logging
import os
import sys
import zipfile

MAX_UNPACKED = 512 * 1024 * 1024
# TrueType (not CFF) fonts with Chinese and Latin letters, which reportlab can embed
FONTS = ["/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"]
MAX_ENTRIES = 20000


def fail(status, message):
    sys.stderr.write(message.replace("\n", " ") + "\n")
    sys.exit(status)


def check_package(path):
    """The OFD is a ZIP holding OFD.xml; it unpacks to a bounded size."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            names = {i.filename for i in infos}
            if "OFD.xml" not in names:
                fail(2, "not an OFD package: it has no OFD.xml")
            if len(infos) > MAX_ENTRIES:
                fail(2, "not an OFD package: %d files inside" % len(infos))
            if sum(i.file_size for i in infos) > MAX_UNPACKED:
                fail(2, "it unpacks to more than %d MiB" % (MAX_UNPACKED // (1024 * 1024)))
            bad = z.testzip()
            if bad is not None:
                fail(2, "damaged inside the package (%s)" % bad)
    except zipfile.BadZipFile as e:
        fail(2, "not an OFD package (not a ZIP archive: %s)" % e)
    except OSError as e:
        fail(2, "cannot be read: %s" % e)


def main():
    if len(sys.argv) != 3:
        fail(2, "usage: ofd2pdf.py IN.ofd OUT.pdf")
    src, out = sys.argv[1], sys.argv[2]
    # easyofd unpacks next to the working folder and cuts that path at its first dot
    if "." in os.getcwd():
        fail(2, "the working folder %s has a dot in its path, which easyofd cannot use" % os.getcwd())
    check_package(src)
    logging.disable(logging.WARNING)
    try:
        from loguru import logger

        logger.remove()
        from reportlab import rl_config
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont
        from easyofd.parser_ofd import OFDParser
        from easyofd.draw import DrawPDF
    except ImportError as e:
        fail(3, "easyofd is not installed for %s (%s)" % (sys.executable, e))
    rl_config.invariant = 1
    rl_config.useA85 = 0  # compressed streams as bytes, not ASCII85 text (a fifth smaller)
    font = os.environ.get("GONGKAI_KIOSK_OFD_FONT") or next((f for f in FONTS if os.path.isfile(f)), None)
    if not font:
        fail(4, "no TrueType font with Chinese and Latin letters to embed (looked for %s)" % ", ".join(FONTS))
    try:
        pdfmetrics.registerFont(TTFont("宋体", font, subfontIndex=0))
        # reportlab starts every page in Helvetica, which would be listed as a font not embedded
        rl_config.canvas_basefontname = "宋体"
    except Exception as e:  # reportlab refuses CFF (OpenType/PostScript) outlines and damaged files
        fail(4, "%s cannot be embedded (%s)" % (font, e))

    with open(src, "rb") as f:
        data = base64.b64encode(f.read()).decode("ascii")
    stdout = sys.stdout
    sys.stdout = sys.stderr  # easyofd prints its progress; stdout stays clean
    try:
        parsed = OFDParser(data)()
        pages = sum(len(doc.get("page_info") or {}) for doc in parsed)
        if pages == 0:
            fail(2, "the OFD has no pages")
        for doc in parsed:
            for page in (doc.get("page_info") or {}).values():
                for line in page.get("line_list") or []:
                    if len(line.get("StrokeColor") or []) >= 3:
                        line["FillColor"] = line["StrokeColor"]
        drawing = DrawPDF(parsed)
        drawing.OP = 72 / 25.4
        drawing.draw_pdf()
        pdf = drawing.pdf_io.getvalue()
    except SystemExit:
        raise
    except Exception as e:  # easyofd raises anything from KeyError to AssertionError on bad XML
        fail(2, "easyofd could not read it (%s: %s)" % (type(e).__name__, e))
    finally:
        sys.stdout = stdout
    if not pdf.startswith(b"%PDF"):
        fail(2, "easyofd wrote no PDF")
    tmp = out + ".part"
    with open(tmp, "wb") as f:
        f.write(pdf)
    os.replace(tmp, out)


if __name__ == "__main__":
    main()
