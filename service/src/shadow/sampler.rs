//! Which queries are verified: a deterministic fraction, so a sample of 0.1 is exactly every
//! tenth query (a test or a benchmark gets the load it asked for, which a coin toss per
//! query would only approach).

use std::sync::Mutex;

/// Picks `fraction` of the calls to [`Sampler::pick`].
#[derive(Debug)]
pub struct Sampler {
    fraction: f64,
    credit: Mutex<f64>,
}

impl Sampler {
    /// A sampler of `fraction` (0 to 1).
    pub fn new(fraction: f64) -> Self {
        Self {
            fraction: fraction.clamp(0.0, 1.0),
            credit: Mutex::new(0.0),
        }
    }

    /// Whether this call is in the sample: each call earns `fraction` of a pick.
    pub fn pick(&self) -> bool {
        let mut credit = self.credit.lock().unwrap_or_else(|e| e.into_inner());
        *credit += self.fraction;
        if *credit >= 1.0 - 1e-9 {
            *credit -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_fraction_asked_for() {
        let count = |fraction| {
            let sampler = Sampler::new(fraction);
            (0..1000).filter(|_| sampler.pick()).count()
        };
        assert_eq!(count(0.1), 100);
        assert_eq!(count(0.01), 10);
        assert_eq!(count(1.0), 1000);
        assert_eq!(count(0.0), 0);
    }
}
