//! The bytes of a provisioning file, capped at [`MAX_FILE_BYTES`], without
//! a byte order mark, and their start seen before the format is chosen.

use std::io::{self, BufRead, Read};

use super::{FileError, MAX_FILE_BYTES, MAX_LINE_BYTES, first_byte};

/// A UTF-8 byte order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// What the rows are read from.
pub(super) type Source = Box<dyn BufRead + Send>;

/// The file read past [`MAX_FILE_BYTES`]: the error [`Capped`] fails with.
#[derive(Debug)]
struct TooLarge;

impl std::fmt::Display for TooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "larger than {MAX_FILE_BYTES} bytes")
    }
}

impl std::error::Error for TooLarge {}

/// Whether `error` is [`Capped`]'s.
pub(super) fn is_too_large(error: &io::Error) -> bool {
    matches!(error.get_ref(), Some(inner) if inner.is::<TooLarge>())
}

/// A reader that fails once more than [`MAX_FILE_BYTES`] came through it,
/// whatever it reads from (a file that grows, a pipe, standard input).
struct Capped<R> {
    inner: R,
    read: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf)?;
        self.read += read as u64;
        if self.read > MAX_FILE_BYTES {
            return Err(io::Error::new(io::ErrorKind::FileTooLarge, TooLarge));
        }
        Ok(read)
    }
}

/// `reader` as a [`Source`], and a copy of how it starts (its first bytes up
/// to one that is not white space): enough to choose the format by.
///
/// # Errors
///
/// When it cannot be read, or is over [`MAX_FILE_BYTES`] already.
pub(super) fn start(reader: impl Read + Send + 'static) -> Result<(Source, Vec<u8>), FileError> {
    let mut reader = io::BufReader::with_capacity(
        MAX_LINE_BYTES,
        Capped {
            inner: reader,
            read: 0,
        },
    );
    let mut start = Vec::new();
    loop {
        let chunk = reader.fill_buf().map_err(FileError::from_io)?;
        if chunk.is_empty() {
            break;
        }
        let read = chunk.len();
        start.extend_from_slice(chunk);
        reader.consume(read);
        let part_of_a_bom = start.len() < BOM.len() && BOM.starts_with(&start);
        let body = start.strip_prefix(BOM).unwrap_or(&start);
        // A file of white space alone is read as its rows are, not here.
        if !part_of_a_bom && (first_byte(body).is_some() || start.len() >= MAX_LINE_BYTES) {
            break;
        }
    }
    if start.starts_with(BOM) {
        start.drain(..BOM.len());
    }
    let source = Box::new(io::Cursor::new(start.clone()).chain(reader));
    Ok((source, start))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Gives one byte a read, as a slow pipe may.
    struct Trickle(io::Cursor<Vec<u8>>);

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let end = buf.len().min(1);
            self.0.read(&mut buf[..end])
        }
    }

    #[test]
    fn the_start_is_read_past_white_space_and_a_bom_that_comes_a_byte_at_a_time() {
        let (mut source, start) = super::start(Trickle(io::Cursor::new(
            b"\xEF\xBB\xBF \n{\"a\": 1}\n".to_vec(),
        )))
        .unwrap();

        let mut all = Vec::new();
        source.read_to_end(&mut all).unwrap();

        assert_eq!(start, b" \n{");
        assert_eq!(all, b" \n{\"a\": 1}\n");
    }

    #[test]
    fn more_than_the_most_a_file_may_be_fails_however_it_is_read() {
        let endless = io::repeat(b'a').take(MAX_FILE_BYTES + 1);
        let (mut source, _) = super::start(endless).unwrap();

        let error = io::copy(&mut source, &mut io::sink()).unwrap_err();

        assert!(is_too_large(&error), "{error}");
    }
}
