#!/usr/bin/env bash
# The Debian package, on this machine (run as root by scripts/test, after `cargo test`):
# builds it with `cargo deb`, installs it with `dpkg -i`, checks its files, user, conffile and
# systemd unit (`systemd-analyze verify`), runs the installed kiosk session under Xvfb as the
# package's user until it tells systemd READY=1 and pings the watchdog, purges it, and installs
# it twice. The machine is left without the package.
set -euo pipefail
cd "$(dirname "$0")/.."
src=$(pwd)

step() { echo "tests/package.sh: $*" >&2; }
fail() { echo "tests/package.sh: FAILED: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || fail "must run as root (it installs and purges the package)"

PKG=gongkai-kiosk
CARGO_DEB_VERSION=3.8.0
if ! cargo deb --version 2>/dev/null | grep -q "$CARGO_DEB_VERSION"; then
    step "installing cargo-deb $CARGO_DEB_VERSION"
    cargo install --locked cargo-deb --version "$CARGO_DEB_VERSION"
fi

step "building the package"
# cargo deb prints the package's path on stdout, its build log on stderr (never `tee /dev/stderr`:
# with stderr redirected to a file, that reopens and truncates the caller's log)
deb=$(cargo deb --locked | tail -n 1)
[ -f "$deb" ] || fail "cargo deb printed no package path (last line: $deb)"
deb=$(realpath "$deb")
# from here on, as an operator would: not inside the source tree (whose kiosk-config/ would be
# found first)
cd /

purge() { dpkg --purge "$PKG" >/dev/null 2>&1 || true; }
purge

# The package's dependencies, from its own control file (dpkg -i does not fetch them).
deps=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/(.*)//; s/|.*//; s/[[:space:]]//g' | grep -v '^$')
missing=()
for p in $deps; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    step "installing the package's dependencies: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

install_pkg() { DEBIAN_FRONTEND=noninteractive dpkg -i "$deb" </dev/null || fail "dpkg -i $deb ($1)"; }

check_installed() {
    [ "$(dpkg-query -W -f='${Status}' $PKG)" = "install ok installed" ] || fail "dpkg does not list $PKG as installed"
    for f in /usr/bin/gongkai-kiosk /usr/lib/gongkai-kiosk/kiosk-session /etc/gongkai-kiosk/kiosk.toml \
        /usr/lib/systemd/system/gongkai-kiosk.service /usr/share/gongkai-kiosk/demo-content/site.toml \
        /usr/share/gongkai-kiosk/fonts/NotoSansCJKsc-Regular.otf /usr/share/doc/gongkai-kiosk/deployment.md \
        /usr/share/doc/gongkai-kiosk/kiosk.toml.example /usr/share/doc/gongkai-kiosk/copyright \
        /usr/share/doc/gongkai-kiosk/NOTICE-rime-pinyin-simp \
        /usr/share/doc/gongkai-kiosk/LICENSE-Apache-2.0-rime-pinyin-simp.txt; do
        [ -f "$f" ] || fail "$f is not installed"
    done
    [ -x /usr/bin/gongkai-kiosk ] && [ -x /usr/lib/gongkai-kiosk/kiosk-session ] || fail "binary or session script not executable"
    # the demo's office and OFD conversions travel with it (a kiosk has no LibreOffice or easyofd)
    shipped=$(find "$src/assets/demo-content/.derived" -name '*.pdf' | wc -l)
    installed=$(find /usr/share/gongkai-kiosk/demo-content/.derived -name '*.pdf' 2>/dev/null | wc -l)
    [ "$installed" = "$shipped" ] || fail "the demo's converted attachments (.derived/): $installed of $shipped installed"
    grep -qx /etc/gongkai-kiosk/kiosk.toml "/var/lib/dpkg/info/$PKG.conffiles" || fail "kiosk.toml is not a conffile"
    getent passwd gongkai-kiosk >/dev/null || fail "no user gongkai-kiosk"
    [ "$(getent passwd gongkai-kiosk | cut -d: -f6)" = /var/lib/gongkai-kiosk ] || fail "the user's home is not /var/lib/gongkai-kiosk"
    [ "$(getent passwd gongkai-kiosk | cut -d: -f3)" -lt 1000 ] || fail "gongkai-kiosk is not a system user"
    for group in video input render audio; do
        ! getent group "$group" >/dev/null || id -nG gongkai-kiosk | tr ' ' '\n' | grep -qx "$group" \
            || fail "gongkai-kiosk is not in the group $group (screen, touch, sound)"
    done
    [ "$(stat -c %U:%G /var/lib/gongkai-kiosk)" = gongkai-kiosk:gongkai-kiosk ] || fail "/var/lib/gongkai-kiosk is not owned by gongkai-kiosk"
    # enabled for the next boot (the symlink deb-systemd-helper made), not started
    [ -L /etc/systemd/system/graphical.target.wants/gongkai-kiosk.service ] || fail "the unit is not enabled"
    out=$(systemd-analyze verify /usr/lib/systemd/system/gongkai-kiosk.service 2>&1) || fail "systemd-analyze verify: $out"
    [ -z "$out" ] || fail "systemd-analyze verify has remarks: $out"
    /usr/bin/gongkai-kiosk check-config /etc/gongkai-kiosk/kiosk.toml >/dev/null || fail "the installed kiosk.toml does not pass check-config"
}

check_gone() {
    ! dpkg-query -W -f='${Status}' $PKG 2>/dev/null | grep -q installed || fail "$PKG still installed after purge"
    for f in /usr/bin/gongkai-kiosk /etc/gongkai-kiosk /var/lib/gongkai-kiosk /usr/share/gongkai-kiosk \
        /usr/lib/systemd/system/gongkai-kiosk.service /etc/systemd/system/graphical.target.wants/gongkai-kiosk.service; do
        [ ! -e "$f" ] || fail "$f is still there after purge"
    done
    ! getent passwd gongkai-kiosk >/dev/null || fail "the user gongkai-kiosk is still there after purge"
}

# The installed kiosk, as the service runs it: the session script on an X display, as the user
# gongkai-kiosk, with the installed configuration, demo content and font.
check_session() {
    local tmp display=:$((RANDOM % 400 + 500)) xvfb_pid notify_pid session_pid
    tmp=$(mktemp -d); chmod 755 "$tmp"
    Xvfb "$display" -screen 0 1920x1080x24 -nolisten tcp >/dev/null 2>&1 & xvfb_pid=$!
    socat -u "UNIX-RECV:$tmp/notify,mode=777" "OPEN:$tmp/notifications,creat" & notify_pid=$!
    for _ in $(seq 50); do [ -S "$tmp/notify" ] && xwininfo -root -display "$display" >/dev/null 2>&1 && break; sleep 0.1; done
    setsid runuser -u gongkai-kiosk -- env DISPLAY="$display" NOTIFY_SOCKET="$tmp/notify" \
        /usr/lib/gongkai-kiosk/kiosk-session >"$tmp/session.log" 2>&1 & session_pid=$!
    local ok=""
    for _ in $(seq 120); do
        if grep -q "READY=1" "$tmp/notifications" 2>/dev/null && [ "$(grep -o WATCHDOG=1 "$tmp/notifications" | wc -l)" -ge 2 ]; then ok=1; break; fi
        sleep 0.5
    done
    # for people: what the installed kiosk showed (target/debian/session.png)
    import -display "$display" -window root "$tmp/session.png" 2>/dev/null && cp "$tmp/session.png" "$(dirname "$deb")/session.png" || true
    local tree; tree=$(xwininfo -root -tree -display "$display" 2>&1 | tr -d '\0' || true)
    kill -- -"$session_pid" 2>/dev/null || true
    kill "$notify_pid" "$xvfb_pid" 2>/dev/null || true
    wait "$session_pid" "$notify_pid" "$xvfb_pid" 2>/dev/null || true
    [ -n "$ok" ] || fail "the installed kiosk session sent no READY=1 and watchdog pings within a minute; notifications: $(cat "$tmp/notifications" 2>/dev/null); log: $(tail -n 20 "$tmp/session.log")"
    echo "$tree" | grep -q '1920x1080+0+0' || fail "no fullscreen kiosk window: $tree"
    # the kiosk filled its store from the installed demo content, as its own user
    [ "$(stat -c %U /var/lib/gongkai-kiosk/kiosk.sqlite 2>/dev/null || ls -l /var/lib/gongkai-kiosk)" = gongkai-kiosk ] \
        || fail "the store in /var/lib/gongkai-kiosk is not the kiosk user's: $(ls -la /var/lib/gongkai-kiosk)"
    # the installed font (read from /usr/share, not compiled in) prints Chinese
    install -d -o gongkai-kiosk "$tmp/out"
    runuser -u gongkai-kiosk -- /usr/bin/gongkai-kiosk print form --blank --out "$tmp/out/form.pdf" >/dev/null || fail "print form as gongkai-kiosk"
    pdftotext "$tmp/out/form.pdf" - | grep -q "政府信息公开申请表" || fail "the printed form has no Chinese text"
    # root is told to use the kiosk's user rather than leaving root-owned files in its data
    local msg; msg=$(/usr/bin/gongkai-kiosk status 2>&1) && fail "status as root should refuse: $msg"
    echo "$msg" | grep -q "sudo -u gongkai-kiosk" || fail "status as root: $msg"
    rm -rf "$tmp"
}

step "first install (dpkg -i)"
install_pkg "first install"
check_installed
check_session

step "purge"
dpkg --purge "$PKG" || fail "dpkg --purge"
check_gone

step "install, change the conffile, install again"
install_pkg "install after purge"
check_installed
echo '# changed by the operator' >> /etc/gongkai-kiosk/kiosk.toml
install_pkg "second install over the first"
check_installed
grep -q '^# changed by the operator' /etc/gongkai-kiosk/kiosk.toml || fail "the second install overwrote the operator's kiosk.toml"

step "remove, then purge (the machine is left as it was)"
dpkg --remove "$PKG" || fail "dpkg --remove"
[ -f /etc/gongkai-kiosk/kiosk.toml ] || fail "remove (not purge) deleted the configuration"
dpkg --purge "$PKG" || fail "dpkg --purge after remove"
check_gone
step "OK"
