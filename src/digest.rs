//! Stable digests of bytes, for the manifest of incremental runs: SipHash-1-3 with
//! 128-bit output and fixed keys (the `siphasher` crate, already in the tree through
//! Typst). Unlike `std::hash::DefaultHasher`, whose algorithm may change with any Rust
//! release, the same bytes give the same digest with every toolchain, so upgrading Rust
//! renders nothing again. Parts are fed with their length first, so that `["a", "b"]`
//! and `["ab"]` differ. Not a cryptographic hash: it tells inputs apart, it does not
//! resist someone crafting a collision.

use siphasher::sip128::{Hasher128, SipHasher13};
use std::hash::Hasher;

/// A digest being built, part by part.
#[derive(Debug, Clone, Default)]
pub struct Digest(SipHasher13);

impl Digest {
    pub fn new() -> Digest {
        Digest(SipHasher13::new())
    }

    /// Adds one part: its length (8 bytes, little-endian), then its bytes.
    pub fn part(&mut self, bytes: &[u8]) -> &mut Digest {
        self.0.write(&(bytes.len() as u64).to_le_bytes());
        self.0.write(bytes);
        self
    }

    /// The 128-bit digest of the parts so far.
    pub fn finish(&self) -> u128 {
        self.0.finish128().as_u128()
    }

    /// The digest as 32 lower-case hex digits.
    pub fn hex(&self) -> String {
        format!("{:032x}", self.finish())
    }
}

/// The hex digest of `parts`.
pub fn of(parts: &[&[u8]]) -> String {
    let mut d = Digest::new();
    for p in parts {
        d.part(p);
    }
    d.hex()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_inputs_apart() {
        assert_eq!(of(&[b"a", b"b"]), of(&[b"a", b"b"]));
        assert_ne!(of(&[b"a", b"b"]), of(&[b"ab"]));
        assert_ne!(of(&[b"a"]), of(&[b"b"]));
        assert_ne!(of(&[b""]), of(&[]));
        assert_eq!(of(&[b"x"]).len(), 32);
    }

    #[test]
    fn is_the_same_with_every_toolchain() {
        // Fixed values, computed by an independent implementation of SipHash-1-3
        // (128-bit output, keys 0, from the reference description) over the same
        // length-prefixed bytes. If these change, every user's next run renders
        // everything again: they may change only with the manifest's VERSION.
        assert_eq!(of(&[]), "b91c5ed031fb33032134935d61d9b40d");
        assert_eq!(
            of(&[b"resettle", b"0.1.0"]),
            "e922ec00acfa5594810be5e0900c7301"
        );
    }
}
