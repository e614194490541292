//! The machine a sweep ran on, as the page reports it and a link carries it: its
//! hardwareConcurrency, browser, isolation, day and measured effective cores.

use std::fmt;

/// A calendar day, as `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Whether the day exists (years 2000…9999).
    pub fn is_valid(self) -> bool {
        let y = self.year;
        let leap = y.is_multiple_of(4) && (!y.is_multiple_of(100) || y.is_multiple_of(400));
        let days = match self.month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return false,
        };
        (2000..=9999).contains(&self.year) && (1..=days).contains(&self.day)
    }

    /// Reads the start of an ISO 8601 date-time such as `2026-11-22T16:35:00.000Z`.
    pub fn from_iso(text: &str) -> Option<Date> {
        let (y, m, d) = (text.get(0..4)?, text.get(5..7)?, text.get(8..10)?);
        let date = Date {
            year: y.parse().ok()?,
            month: m.parse().ok()?,
            day: d.parse().ok()?,
        };
        (text.get(4..5) == Some("-") && text.get(7..8) == Some("-") && date.is_valid())
            .then_some(date)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// The facts of the machine a sweep ran on.
#[derive(Clone, Debug, PartialEq)]
pub struct Machine {
    pub hardware_concurrency: usize,
    /// Name and major version, e.g. `Chrome 131` (see [`browser_name`]).
    pub browser: String,
    pub cross_origin_isolated: bool,
    pub date: Date,
    /// Cores that really scaled when measured on the page (see `stats::effective_cores`).
    pub effective_cores: Option<usize>,
}

impl Machine {
    /// Cores' worth of computing it delivers at once, as predictions count them: the effective
    /// cores measured, else hardwareConcurrency.
    pub fn cores(&self) -> f64 {
        self.effective_cores.unwrap_or(self.hardware_concurrency) as f64
    }

    /// Where and when: "measured in Firefox 140 with hardwareConcurrency 8 (effective cores
    /// measured: 4), cross-origin isolated, on 2026-11-22".
    pub fn describe(&self) -> String {
        format!(
            "measured in {} with hardwareConcurrency {}{}, {}, on {}",
            self.browser,
            self.hardware_concurrency,
            self.effective_cores
                .map(|c| format!(" (effective cores measured: {c})"))
                .unwrap_or_default(),
            if self.cross_origin_isolated {
                "cross-origin isolated"
            } else {
                "not cross-origin isolated"
            },
            self.date
        )
    }
}

/// A short name for the browser from its user-agent string: `Firefox 140`, `Edge 131`,
/// `Chrome 131`, `Safari 18`, or `a browser` when it is none of these.
pub fn browser_name(user_agent: &str) -> String {
    let version = |token: &str| {
        let start = user_agent.find(token)? + token.len();
        let digits: String = user_agent[start..]
            .chars()
            .take_while(char::is_ascii_digit)
            .take(6)
            .collect();
        (!digits.is_empty()).then_some(digits)
    };
    let known = [
        ("Firefox/", "Firefox"),
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("HeadlessChrome/", "Chrome (headless)"),
        ("Chrome/", "Chrome"),
    ];
    for (token, name) in known {
        if let Some(v) = version(token) {
            return format!("{name} {v}");
        }
    }
    match (user_agent.contains("Safari/"), version("Version/")) {
        (true, Some(v)) => format!("Safari {v}"),
        _ => "a browser".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_machine_says_where_and_when_it_measured() {
        let mut m = Machine {
            hardware_concurrency: 8,
            browser: "Firefox 140".into(),
            cross_origin_isolated: true,
            date: Date {
                year: 2026,
                month: 11,
                day: 22,
            },
            effective_cores: Some(4),
        };
        assert_eq!(
            m.describe(),
            "measured in Firefox 140 with hardwareConcurrency 8 (effective cores measured: 4), \
             cross-origin isolated, on 2026-11-22"
        );
        (m.effective_cores, m.cross_origin_isolated) = (None, false);
        assert_eq!(
            m.describe(),
            "measured in Firefox 140 with hardwareConcurrency 8, not cross-origin isolated, on \
             2026-11-22"
        );
    }

    #[test]
    fn browser_names_from_user_agents() {
        let cases = [
            (
                "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0",
                "Firefox 140",
            ),
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/142.0.0.0 Safari/537.36",
                "Chrome (headless) 142",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
                "Edge 131",
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
                "Safari 18",
            ),
            ("curl/8", "a browser"),
        ];
        for (ua, name) in cases {
            assert_eq!(browser_name(ua), name);
        }
    }

    #[test]
    fn dates_read_from_iso_strings() {
        assert_eq!(
            Date::from_iso("2026-11-22T16:35:00.000Z").map(|d| d.to_string()),
            Some("2026-11-22".into())
        );
        assert_eq!(Date::from_iso("2026-13-01T00:00:00Z"), None);
        assert_eq!(Date::from_iso("20261122"), None);
        assert_eq!(Date::from_iso("2026/11-22"), None);
        assert_eq!(Date::from_iso("2026-11/22"), None);
    }

    #[test]
    fn days_exist_by_the_gregorian_calendar() {
        let day = |year, month, day| Date { year, month, day }.is_valid();
        assert!(day(2000, 2, 29), "divisible by 400: a leap year");
        assert!(!day(2100, 2, 29), "divisible by 100 only: not one");
        assert!(day(2028, 2, 29) && !day(2026, 2, 29) && day(2026, 2, 28));
        assert!(day(2026, 1, 31) && day(2026, 12, 31) && !day(2026, 4, 31) && day(2026, 4, 30));
        assert!(!day(2026, 11, 0) && !day(2026, 0, 1) && !day(2026, 13, 1));
        assert!(day(9999, 12, 31) && !day(10_000, 1, 1) && !day(1999, 12, 31));
    }

    #[test]
    fn a_browser_token_without_a_version_is_not_a_browser() {
        assert_eq!(browser_name("Firefox/x Chrome/131.0"), "Chrome 131");
        assert_eq!(browser_name("Safari/605.1.15"), "a browser");
    }
}
