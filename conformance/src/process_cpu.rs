//! This process's CPU time, for tests that check an engine went idle after a query stopped.

/// The CPU time (user and system) this process has used, in seconds, from `/proc/self/stat`.
pub fn process_cpu_seconds() -> std::io::Result<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat")?;
    let malformed = || std::io::Error::other("/proc/self/stat: unexpected format");
    // The command name is in parentheses and may contain spaces; the fields follow it.
    let after_name = &stat[stat.rfind(')').ok_or_else(malformed)? + 1..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // The slice starts at field 3 (state); utime and stime are fields 14 and 15, in ticks of
    // USER_HZ, which Linux fixes at 100.
    let ticks = |index: usize| -> std::io::Result<f64> {
        fields
            .get(index)
            .and_then(|field| field.parse::<f64>().ok())
            .ok_or_else(malformed)
    };
    Ok((ticks(11)? + ticks(12)?) / 100.0)
}

#[cfg(test)]
mod tests {
    use super::process_cpu_seconds;

    #[test]
    fn cpu_time_grows_with_work() {
        let before = process_cpu_seconds().expect("readable");
        let mut x = 0u64;
        let started = std::time::Instant::now();
        while started.elapsed() < std::time::Duration::from_millis(300) {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
        }
        std::hint::black_box(x);
        let after = process_cpu_seconds().expect("readable");
        assert!(after - before >= 0.1, "{before} → {after}");
    }
}
