//! Seed 001's I/O task: open a file, write a few bytes, close it.
//!
//! Stand-in: the file is an in-memory buffer that is created, written and dropped. The browser's
//! origin-private file system can only be opened asynchronously, which a shared-memory worker in
//! the middle of a task cannot wait for; a stand-in keeps every engine doing the same work.

use std::hint::black_box;

/// What the page calls this task, so nobody mistakes the stand-in for disk I/O.
pub const STAND_IN: &str = "in-memory file (a stand-in for disk I/O)";

/// Creates a file of `bytes` bytes, writes it, closes it; returns the bytes written.
pub fn write_and_close(bytes: u32) -> usize {
    let mut file: Vec<u8> = Vec::with_capacity(bytes as usize);
    file.extend(b"Hello".iter().cycle().take(bytes as usize));
    black_box(&file);
    let written = file.len();
    drop(black_box(file));
    written
}

#[cfg(test)]
mod tests {
    #[test]
    fn writes_the_requested_bytes() {
        assert_eq!(super::write_and_close(5), 5);
        assert_eq!(super::write_and_close(0), 0);
    }
}
