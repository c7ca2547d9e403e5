//! The one way this client reads a file whole (netrc, the SDK's settings, CA
//! bundles): never more than a limit no real file comes near, into a buffer
//! sized once and zeroed when dropped, since some of these files hold keys.

use std::fs::File;
use std::io::Read as _;

use secrecy::zeroize::Zeroizing;

/// Why a file was not read.
pub(crate) enum Unread {
    Io(std::io::Error),
    /// Longer than the limit: only that much was read.
    TooLarge,
}

/// All of `file`, if it holds at most `limit` bytes.
///
/// # Errors
///
/// `Io` when reading fails, `TooLarge` past the limit.
pub(crate) fn read_capped(file: &mut File, limit: u64) -> Result<Zeroizing<Vec<u8>>, Unread> {
    // Sized from the file once: a growing buffer would leave the copies it
    // outgrew unzeroed.
    let size = file
        .metadata()
        .map_or(0, |meta| meta.len())
        .min(limit.saturating_add(1));
    let mut bytes = Zeroizing::new(Vec::with_capacity(
        usize::try_from(size.saturating_add(1)).unwrap_or(usize::MAX),
    ));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(Unread::Io)?;
    if bytes.len() as u64 > limit {
        return Err(Unread::TooLarge);
    }
    Ok(bytes)
}
