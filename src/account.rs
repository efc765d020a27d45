//! Local accounts by name: the owner of a data folder (the CLI's root check) and the account the
//! kiosk runs as (the user its print jobs carry).

/// The name of a local user, from `/etc/passwd`.
pub fn name(uid: u32) -> Option<String> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let mut f = line.split(':');
        let name = f.next()?;
        (f.nth(1)?.parse::<u32>().ok()? == uid).then(|| name.to_string())
    })
}

/// The effective user id of this process.
pub fn own_uid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// The name of the account this process runs as.
pub fn own_name() -> Option<String> {
    name(own_uid())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_own_account_has_the_name_id_gives() {
        let id = std::process::Command::new("id").arg("-un").output().unwrap();
        assert_eq!(super::own_name().as_deref(), Some(String::from_utf8_lossy(&id.stdout).trim()));
        assert_eq!(super::name(0).as_deref(), Some("root"));
    }
}
