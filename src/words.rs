//! Counts in words, as every sentence on the page writes them.

/// "1 worker", "4 workers", "1 process", "2 processes".
pub fn count(n: usize, noun: &str) -> String {
    match (n, noun.ends_with('s')) {
        (1, _) => format!("1 {noun}"),
        (_, true) => format!("{n} {noun}es"),
        (_, false) => format!("{n} {noun}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_the_rest_plural() {
        assert_eq!(count(1, "thread"), "1 thread");
        assert_eq!(count(0, "point"), "0 points");
        assert_eq!(count(4, "thread"), "4 threads");
        assert_eq!(count(1, "process"), "1 process");
        assert_eq!(count(2, "process"), "2 processes");
    }
}
