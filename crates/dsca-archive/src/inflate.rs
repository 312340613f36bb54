//! Inflating a whole gzip member in one call with libdeflate: about twice as fast as a
//! streaming decoder, for the common case of a tarball that is one gzip member whose
//! trailer announces a size within the limits.
#![allow(unsafe_code)]

use libdeflate_sys::{
    libdeflate_alloc_decompressor, libdeflate_decompressor, libdeflate_free_decompressor,
    libdeflate_gzip_decompress_ex, libdeflate_result_LIBDEFLATE_SUCCESS,
};

/// The size a gzip stream's trailer announces (ISIZE: the last member's length modulo
/// 2^32), or `None` when the input is too short to have a trailer.
pub(crate) fn announced_size(gz: &[u8]) -> Option<u64> {
    let trailer: [u8; 4] = gz.get(gz.len().checked_sub(4)?..)?.try_into().ok()?;
    Some(u64::from(u32::from_le_bytes(trailer)))
}

/// The bytes of `gz` when it is exactly one gzip member that inflates to `expected`
/// bytes with the CRC-32 and length of its trailer; `None` otherwise (bad data, more
/// members, trailing bytes, another size), for the streaming decoder to take and name
/// what is wrong. Nothing is written past `expected` bytes.
pub(crate) fn inflate_single_member(gz: &[u8], expected: usize) -> Option<Vec<u8>> {
    let decompressor = Decompressor::new()?;
    let mut out: Vec<u8> = Vec::new();
    out.try_reserve_exact(expected).ok()?;
    let mut consumed = 0usize;
    let mut produced = 0usize;
    // SAFETY: the decompressor is live until `decompressor` drops; `gz` is readable for
    // `gz.len()` bytes and `out` writable for `expected` (its reserved capacity);
    // libdeflate writes no further and reports how much it read and wrote.
    let result = unsafe {
        libdeflate_gzip_decompress_ex(
            decompressor.0,
            gz.as_ptr().cast(),
            gz.len(),
            out.as_mut_ptr().cast(),
            expected,
            &mut consumed,
            &mut produced,
        )
    };
    // libdeflate stops after the first member and ignores what follows: a second
    // member (which Node's gunzip would inflate too) must go to the streaming decoder.
    if result != libdeflate_result_LIBDEFLATE_SUCCESS
        || consumed != gz.len()
        || produced != expected
    {
        return None;
    }
    // SAFETY: libdeflate initialised the first `produced` bytes, within the capacity.
    unsafe { out.set_len(produced) };
    Some(out)
}

struct Decompressor(*mut libdeflate_decompressor);

impl Decompressor {
    fn new() -> Option<Decompressor> {
        // SAFETY: no arguments; a null result (out of memory) is checked.
        let raw = unsafe { libdeflate_alloc_decompressor() };
        (!raw.is_null()).then_some(Decompressor(raw))
    }
}

impl Drop for Decompressor {
    fn drop(&mut self) {
        // SAFETY: allocated by `libdeflate_alloc_decompressor`, freed once.
        unsafe { libdeflate_free_decompressor(self.0) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::{Compression, write::GzEncoder};
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn one_member_inflates_whole() {
        let data = b"hello, tarball ".repeat(1000);
        let gz = gzip(&data);
        assert_eq!(announced_size(&gz), Some(data.len() as u64));
        assert_eq!(inflate_single_member(&gz, data.len()), Some(data));
    }

    #[test]
    fn anything_but_one_exact_member_is_left_to_the_stream() {
        let data = b"first member".repeat(50);
        let gz = gzip(&data);
        // A second member of the same length and bytes after the trailer: libdeflate
        // alone would return the first member and say nothing of the rest.
        let mut two = gz.clone();
        two.extend_from_slice(&gzip(&data));
        assert_eq!(inflate_single_member(&two, data.len()), None);
        let mut trailing = gz.clone();
        trailing.extend_from_slice(b"\0\0\0\0");
        assert_eq!(inflate_single_member(&trailing, data.len()), None);
        // A size other than the data's, a flipped byte, a cut stream.
        assert_eq!(inflate_single_member(&gz, data.len() - 1), None);
        assert_eq!(inflate_single_member(&gz, data.len() + 1), None);
        let mut flipped = gz.clone();
        let middle = flipped.len() / 2;
        flipped[middle] ^= 0x55;
        assert_eq!(inflate_single_member(&flipped, data.len()), None);
        assert_eq!(inflate_single_member(&gz[..gz.len() - 3], data.len()), None);
        assert_eq!(announced_size(&gz[..3]), None);
    }
}
