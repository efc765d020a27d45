//! robots.txt (RFC 9309): the group for our product token, else `*`; `Allow` and `Disallow` by
//! longest match (`Allow` wins a tie), with `*` and `$`; `Crawl-delay` slows us down, never up.

use std::time::Duration;

/// One group of robots.txt: its user agents, its (allow, pattern) rules, its crawl delay.
type Group = (Vec<String>, Vec<(bool, String)>, Option<Duration>);

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Robots {
    /// (allow, pattern) of the group that applies to us.
    rules: Vec<(bool, String)>,
    pub crawl_delay: Option<Duration>,
}

impl Robots {
    /// Everything allowed (no robots.txt, or a 4xx for it).
    pub fn allow_all() -> Self {
        Self::default()
    }

    /// Parses robots.txt for the crawler whose product token is `agent` (e.g. `gongkai-kiosk`).
    pub fn parse(text: &str, agent: &str) -> Self {
        let agent = agent.to_ascii_lowercase();
        // groups: (user agents, rules, crawl delay)
        let mut groups: Vec<Group> = Vec::new();
        let mut in_agents = false;
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            let Some((key, value)) = line.split_once(':') else { continue };
            let key = key.trim().to_ascii_lowercase();
            let value = value.trim();
            match key.as_str() {
                "user-agent" => {
                    if !in_agents {
                        groups.push((Vec::new(), Vec::new(), None));
                    }
                    in_agents = true;
                    if let Some(g) = groups.last_mut() {
                        g.0.push(value.to_ascii_lowercase());
                    }
                }
                "allow" | "disallow" => {
                    in_agents = false;
                    if let Some(g) = groups.last_mut()
                        && !value.is_empty()
                    {
                        g.1.push((key == "allow", value.to_string()));
                    }
                }
                "crawl-delay" => {
                    in_agents = false;
                    if let Some(g) = groups.last_mut()
                        && let Ok(secs) = value.parse::<f64>()
                        && secs.is_finite()
                        && secs >= 0.0
                    {
                        g.2 = Some(Duration::from_secs_f64(secs.min(60.0)));
                    }
                }
                _ => in_agents = false,
            }
        }
        let ours = groups.iter().filter(|g| g.0.iter().any(|a| a != "*" && agent.contains(a.as_str())));
        let mut rules = Vec::new();
        let mut crawl_delay = None;
        let mut any = false;
        for g in ours {
            any = true;
            rules.extend(g.1.iter().cloned());
            crawl_delay = crawl_delay.or(g.2);
        }
        if !any {
            for g in groups.iter().filter(|g| g.0.iter().any(|a| a == "*")) {
                rules.extend(g.1.iter().cloned());
                crawl_delay = crawl_delay.or(g.2);
            }
        }
        Robots { rules, crawl_delay }
    }

    /// Whether `path` (path and query of a URL) may be fetched.
    pub fn allows(&self, path: &str) -> bool {
        let mut best: Option<(usize, bool)> = None;
        for (allow, pattern) in &self.rules {
            if matches(pattern, path) {
                let len = pattern.len();
                best = match best {
                    Some((l, a)) if l > len || (l == len && a) => Some((l, a)),
                    _ => Some((len, *allow)),
                };
            }
        }
        best.is_none_or(|(_, allow)| allow)
    }
}

/// Matches a robots.txt path pattern (`*` any run, `$` the end; otherwise a prefix) against
/// `path`.
fn matches(pattern: &str, path: &str) -> bool {
    let mut p: Vec<char> = pattern.chars().collect();
    if p.last() == Some(&'$') {
        p.pop();
    } else {
        p.push('*');
    }
    let s: Vec<char> = path.chars().collect();
    // iterative glob match with one backtrack point
    let (mut i, mut j) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while j < s.len() {
        if i < p.len() && p[i] == '*' {
            star = Some((i, j));
            i += 1;
        } else if i < p.len() && p[i] == s[j] {
            i += 1;
            j += 1;
        } else if let Some((si, sj)) = star {
            i = si + 1;
            j = sj + 1;
            star = Some((si, sj + 1));
        } else {
            return false;
        }
    }
    p[i..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn star_group_longest_match_and_delay() {
        let r = Robots::parse(
            "User-agent: Baiduspider\nDisallow: /\n\nUser-agent: *\nDisallow: /private/\nAllow: /private/open.html\nDisallow: /*.asp$\nCrawl-delay: 2\n",
            "gongkai-kiosk",
        );
        assert!(r.allows("/zwgk/index.html"));
        assert!(!r.allows("/private/a.html"));
        assert!(r.allows("/private/open.html"));
        assert!(!r.allows("/search/list.asp"));
        assert!(r.allows("/search/list.asp?x=1"));
        assert_eq!(r.crawl_delay, Some(Duration::from_secs(2)));
    }

    #[test]
    fn our_own_group_wins() {
        let r = Robots::parse(
            "User-agent: *\nDisallow: /\n\nUser-agent: gongkai-kiosk\nDisallow: /tmp/\n",
            "gongkai-kiosk/0.1",
        );
        assert!(r.allows("/zwgk/"));
        assert!(!r.allows("/tmp/x"));
        assert!(Robots::allow_all().allows("/anything"));
    }
}
