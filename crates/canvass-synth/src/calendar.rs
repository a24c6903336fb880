//! Calendar arithmetic for the platform columns the generator fills (start and end
//! times within the survey's field period): dates as day numbers and back. It knows no
//! time zones or clock times; the generator adds seconds within a day itself.

pub use canvass_core::calendar::{civil_from_days, days_from_civil};

/// Days since 1970-01-01 of a `YYYY-MM-DD` date.
pub fn parse_date(s: &str) -> Option<i64> {
    let mut it = s.split('-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: i64 = it.next()?.parse().ok()?;
    let d: i64 = it.next()?.parse().ok()?;
    if it.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_round_trip() {
        let d = parse_date("2020-07-02").unwrap();
        assert_eq!(civil_from_days(d), (2020, 7, 2));
        assert_eq!(civil_from_days(d + 62), (2020, 9, 2));
        assert_eq!(parse_date("2020-13-01"), None);
    }
}
