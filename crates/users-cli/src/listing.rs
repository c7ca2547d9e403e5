//! A user listing (`user search`, `key list --all`, `team list --all`) printed as it is walked,
//! page by page: memory holds one page however many users there are. Each
//! page's output is written (and flushed) as soon as the page arrives, as
//! rows of a table, as pieces of one JSON document (`--json`), or as a JSON
//! line per user (`--jsonl`); see `docs/json.md` for the shapes.
//!
//! Users the adapter could not read are reported as they come (text: a line
//! each on stderr; `--jsonl`: a line each; `--json`: listed at the end of the
//! document), and once the listing is over they make the command fail
//! ([`Failure::unreadable`]). A page that fails after others were printed
//! ends the output as a whole (the document is closed, with its `error`) and
//! the command fails with that page's error.

use std::io::{self, Write as _};

use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use serde_json::ser::Formatter;
use users_domain::{Unreadable, User, UserRepository, UserWalk};

use crate::failure::{During, Failure, unreadable_line};
use crate::output::{Output, StreamedTable};
use crate::redact;

/// What one listing command makes of each user; [`print()`] does the rest.
pub(crate) trait Listing {
    /// The text table's header.
    const COLUMNS: &'static [&'static str];
    /// The field of the JSON document holding one element per user.
    const ELEMENTS: &'static str;

    /// The user's elements of the document (with `--jsonl`, a line each),
    /// after [`tally`](Self::tally) saw the user: one for a listing of
    /// users; for `team list --all`, one per team not seen before.
    fn elements<'a>(&'a self, user: &'a User) -> impl Iterator<Item = impl Serialize + 'a>;

    /// Counts the user in the totals.
    fn tally(&mut self, user: &User);

    /// Appends the user's rows of the text table (none, one, or one per key).
    fn rows(&self, user: &User, rows: &mut Vec<Vec<String>>);

    /// Fields of the document before the elements; with `--jsonl`, the
    /// first fields of the summary line.
    fn head(&self) -> Vec<(&'static str, serde_json::Value)> {
        Vec::new()
    }

    /// Fields of the document after the elements, before `unreadable`.
    fn tail(&self) -> Vec<(&'static str, serde_json::Value)> {
        Vec::new()
    }

    /// The totals (the `summary` object), with `unreadable` users besides
    /// those counted.
    fn summary(&self, unreadable: u64) -> impl Serialize;

    /// The text printed once the listing is over (`rows_shown`: whether any
    /// row was), if any.
    fn closing_text(&self, rows_shown: bool, unreadable: u64) -> Option<String>;
}

/// Walks the listing to its end and prints it as `out` says, with a progress
/// line on a terminal.
///
/// # Errors
///
/// A page's error (before the first page: as it is; after: [`During::Listing`]),
/// stdout refusing the output ([`Failure::output`]: a closed pipe ends the
/// command quietly), or [`Failure::unreadable`] when users could not be read.
pub(crate) async fn print<R, L>(
    mut walk: UserWalk<'_, R>,
    listing: &mut L,
    out: Output,
) -> Result<(), Failure>
where
    R: UserRepository + ?Sized,
    L: Listing,
{
    let progress = progress_bar(out);
    let mut writer = Writer::new::<L>(out);
    let mut buffer = Vec::with_capacity(1 << 16);
    let mut opened = false;
    while let Some(page) = walk.next_page().await {
        buffer.clear();
        let page = match page {
            Ok(page) => page,
            Err(error) if !opened => {
                progress.finish_and_clear();
                return Err(Failure::from(error));
            }
            Err(error) => {
                progress.finish_and_clear();
                let failure = Failure::during(
                    error,
                    During::Listing {
                        listed: writer.users,
                    },
                );
                // The listing's own failure is the one to report.
                if writer.close(listing, Some(&failure), &mut buffer).is_ok() {
                    let _ = write_all(&buffer);
                }
                return Err(failure);
            }
        };
        if !opened {
            writer.open(listing, &mut buffer)?;
            opened = true;
        }
        writer.users(listing, page.users(), &mut buffer)?;
        for record in &page.unreadable {
            if let Some(line) = writer.unreadable(record, &mut buffer)? {
                progress.suspend(|| {
                    let _ = writeln!(io::stderr().lock(), "{line}");
                });
            }
        }
        progress
            .suspend(|| write_all(&buffer))
            .map_err(|error| Failure::output(&error))?;
        progress.inc(page.edges.len() as u64);
    }
    progress.finish_and_clear();
    buffer.clear();
    if !opened {
        writer.open(listing, &mut buffer)?;
    }
    writer.close(listing, None, &mut buffer)?;
    write_all(&buffer).map_err(|error| Failure::output(&error))?;
    match writer.unreadable {
        0 => Ok(()),
        unreadable => Err(Failure::unreadable(unreadable, writer.users + unreadable)),
    }
}

/// Writes `bytes` to stdout and flushes them: a page at a time, in as few
/// writes as the pipe takes.
fn write_all(bytes: &[u8]) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    stdout.write_all(bytes).and_then(|()| stdout.flush())
}

fn progress_bar(out: Output) -> ProgressBar {
    if !out.progress() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::no_length();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {human_pos} users {elapsed}") {
        bar.set_style(style);
    }
    bar
}

/// How one listing's output is being written, and what it has counted.
#[derive(Debug)]
struct Writer {
    form: Form,
    /// Users read so far.
    users: u64,
    /// Users that could not be read so far.
    unreadable: u64,
    /// Elements written so far (JSON).
    elements: u64,
}

#[derive(Debug)]
enum Form {
    Text {
        table: StreamedTable<'static>,
        /// Scratch rows of one page.
        rows: Vec<Vec<String>>,
    },
    /// `--json`: the elements go out as they come; the users that could
    /// not be read are listed after them, so they are kept (they alone).
    Document { unreadable: Vec<UnreadableView> },
    /// `--jsonl`.
    Lines,
}

/// A user that could not be read, as the JSON shows it.
#[derive(Debug, Serialize)]
struct UnreadableView {
    id: Option<String>,
    reason: String,
}

impl From<&Unreadable> for UnreadableView {
    /// Key-safe already (the adapter names the field and the rule, never the
    /// value); masked all the same, as everything from a server is.
    fn from(record: &Unreadable) -> Self {
        Self {
            id: record.id.as_deref().map(redact::mask_keys),
            reason: redact::mask_keys(&record.reason),
        }
    }
}

/// `{"unreadable": {...}}`: a `--jsonl` line.
#[derive(Serialize)]
struct UnreadableLine {
    unreadable: UnreadableView,
}

impl Writer {
    fn new<L: Listing>(out: Output) -> Self {
        let form = match (out.json, out.lines) {
            (false, _) => Form::Text {
                table: StreamedTable::new(L::COLUMNS),
                rows: Vec::new(),
            },
            (true, false) => Form::Document {
                unreadable: Vec::new(),
            },
            (true, true) => Form::Lines,
        };
        Self {
            form,
            users: 0,
            unreadable: 0,
            elements: 0,
        }
    }

    /// The document's opening, up to its array of elements.
    fn open<L: Listing>(&self, listing: &L, buffer: &mut Vec<u8>) -> Result<(), Failure> {
        if let Form::Document { .. } = self.form {
            let mut object = Object::pretty(buffer);
            for (name, value) in listing.head() {
                object.field(name, &value)?;
            }
            object.name(L::ELEMENTS)?;
            object.buffer.push(b'[');
        }
        Ok(())
    }

    /// One page's users: counted, and their elements or rows appended.
    fn users<'u, L: Listing>(
        &mut self,
        listing: &mut L,
        users: impl Iterator<Item = &'u User>,
        buffer: &mut Vec<u8>,
    ) -> Result<(), Failure> {
        match &mut self.form {
            Form::Text { table, rows } => {
                rows.clear();
                for user in users {
                    listing.tally(user);
                    listing.rows(user, rows);
                    self.users += 1;
                }
                let mut text = String::new();
                table.page(rows, &mut text);
                buffer.extend_from_slice(text.as_bytes());
            }
            Form::Document { .. } => {
                for user in users {
                    listing.tally(user);
                    for element in listing.elements(user) {
                        buffer.extend_from_slice(if self.elements == 0 { b"\n" } else { b",\n" });
                        indent(buffer, 2);
                        let mut json =
                            serde_json::Serializer::with_formatter(&mut *buffer, Indented::at(2));
                        element.serialize(&mut json).map_err(cannot_render)?;
                        self.elements += 1;
                    }
                    self.users += 1;
                }
            }
            Form::Lines => {
                for user in users {
                    listing.tally(user);
                    for element in listing.elements(user) {
                        serde_json::to_writer(&mut *buffer, &element).map_err(cannot_render)?;
                        buffer.push(b'\n');
                        self.elements += 1;
                    }
                    self.users += 1;
                }
            }
        }
        Ok(())
    }

    /// One user that could not be read: counted, and reported as the form
    /// says; in text, by the line returned, for stderr.
    fn unreadable(
        &mut self,
        record: &Unreadable,
        buffer: &mut Vec<u8>,
    ) -> Result<Option<String>, Failure> {
        self.unreadable += 1;
        match &mut self.form {
            Form::Text { .. } => return Ok(Some(unreadable_line(record))),
            Form::Document { unreadable } => unreadable.push(UnreadableView::from(record)),
            Form::Lines => {
                let line = UnreadableLine {
                    unreadable: UnreadableView::from(record),
                };
                serde_json::to_writer(&mut *buffer, &line).map_err(cannot_render)?;
                buffer.push(b'\n');
            }
        }
        Ok(None)
    }

    /// The end of the output: the document's closing fields (or the summary
    /// line), or the text after the table. `error`: the failure that cut the
    /// listing short (text then prints nothing more).
    fn close<L: Listing>(
        &mut self,
        listing: &L,
        error: Option<&Failure>,
        buffer: &mut Vec<u8>,
    ) -> Result<(), Failure> {
        let error = error.map(Failure::json_body);
        match &mut self.form {
            Form::Text { table, .. } => {
                if error.is_none() {
                    if let Some(text) = listing.closing_text(table.started(), self.unreadable) {
                        buffer.extend_from_slice(text.as_bytes());
                        buffer.push(b'\n');
                    }
                }
            }
            Form::Document { unreadable } => {
                if self.elements > 0 {
                    buffer.push(b'\n');
                    indent(buffer, 1);
                }
                buffer.push(b']');
                let mut object = Object::resumed(buffer);
                for (name, value) in listing.tail() {
                    object.field(name, &value)?;
                }
                object.field("unreadable", &*unreadable)?;
                object.field("summary", &listing.summary(self.unreadable))?;
                object.field("error", &error)?;
                object.end();
            }
            Form::Lines => {
                let mut object = Object::compact(buffer);
                for (name, value) in listing.head() {
                    object.field(name, &value)?;
                }
                object.field("summary", &listing.summary(self.unreadable))?;
                object.field("error", &error)?;
                object.end();
            }
        }
        Ok(())
    }
}

/// A JSON object written a field at a time into a buffer: pretty as
/// `--json` prints documents (two-space indents, as
/// `serde_json::to_string_pretty`), or on one line.
struct Object<'b> {
    buffer: &'b mut Vec<u8>,
    pretty: bool,
    fields: usize,
}

impl<'b> Object<'b> {
    fn pretty(buffer: &'b mut Vec<u8>) -> Self {
        buffer.push(b'{');
        Self {
            buffer,
            pretty: true,
            fields: 0,
        }
    }

    /// A pretty object whose fields so far were written by other means.
    fn resumed(buffer: &'b mut Vec<u8>) -> Self {
        Self {
            buffer,
            pretty: true,
            fields: 1,
        }
    }

    fn compact(buffer: &'b mut Vec<u8>) -> Self {
        buffer.push(b'{');
        Self {
            buffer,
            pretty: false,
            fields: 0,
        }
    }

    /// `"name": ` (after a comma but for the first field).
    fn name(&mut self, name: &str) -> Result<(), Failure> {
        if self.fields > 0 {
            self.buffer.push(b',');
        }
        self.fields += 1;
        if self.pretty {
            self.buffer.push(b'\n');
            indent(self.buffer, 1);
        }
        serde_json::to_writer(&mut *self.buffer, name).map_err(cannot_render)?;
        self.buffer
            .extend_from_slice(if self.pretty { b": " } else { b":" });
        Ok(())
    }

    fn field<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), Failure> {
        self.name(name)?;
        if self.pretty {
            let mut json =
                serde_json::Serializer::with_formatter(&mut *self.buffer, Indented::at(1));
            value.serialize(&mut json)
        } else {
            serde_json::to_writer(&mut *self.buffer, value)
        }
        .map_err(cannot_render)
    }

    /// Closes the object, and ends the line.
    fn end(self) {
        if self.pretty && self.fields > 0 {
            self.buffer.push(b'\n');
        }
        self.buffer.extend_from_slice(b"}\n");
    }
}

/// A view that could not be serialized: not expected of these views, and
/// reported as output that could not be written.
fn cannot_render(error: serde_json::Error) -> Failure {
    Failure::output(&io::Error::other(error))
}

fn indent(buffer: &mut Vec<u8>, depth: usize) {
    for _ in 0..depth {
        buffer.extend_from_slice(b"  ");
    }
}

/// `serde_json`'s pretty formatter, starting `depth` levels in: a value
/// written inside a document being written a piece at a time reads as the
/// whole document printed pretty would.
struct Indented {
    depth: usize,
    has_value: bool,
}

impl Indented {
    fn at(depth: usize) -> Self {
        Self {
            depth,
            has_value: false,
        }
    }

    fn indent<W: ?Sized + io::Write>(&self, writer: &mut W) -> io::Result<()> {
        for _ in 0..self.depth {
            writer.write_all(b"  ")?;
        }
        Ok(())
    }

    fn open<W: ?Sized + io::Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(bracket)
    }

    fn close<W: ?Sized + io::Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            writer.write_all(b"\n")?;
            self.indent(writer)?;
        }
        writer.write_all(bracket)
    }

    fn item<W: ?Sized + io::Write>(&self, writer: &mut W, first: bool) -> io::Result<()> {
        writer.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(writer)
    }
}

impl Formatter for Indented {
    fn begin_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"[")
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.item(writer, first)
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"{")
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.item(writer, first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// What [`print`] writes for `pages` of users and then the `unreadable`
/// ones (whose text lines go to stderr, so not here): the rendering alone,
/// without a walk.
#[cfg(test)]
pub(crate) fn rendered<L: Listing>(
    listing: &mut L,
    out: Output,
    pages: &[&[User]],
    unreadable: &[Unreadable],
) -> String {
    let mut writer = Writer::new::<L>(out);
    let mut buffer = Vec::new();
    writer.open(listing, &mut buffer).unwrap();
    for page in pages {
        writer.users(listing, page.iter(), &mut buffer).unwrap();
    }
    for record in unreadable {
        writer.unreadable(record, &mut buffer).unwrap();
    }
    writer.close(listing, None, &mut buffer).unwrap();
    String::from_utf8(buffer).unwrap()
}

/// The end of a walk's closing line: how many users the server did not list
/// `what` for, and how many could not be read — the two ways a listing is
/// not the whole answer — or nothing when it is.
pub(crate) fn walk_caveats(unlisted: u64, what: &str, unreadable: u64) -> String {
    use std::fmt::Write as _;

    use crate::failure::count;
    let mut text = String::new();
    if unlisted > 0 {
        let _ = write!(
            text,
            "; the server did not list the {what} of {}",
            count(unlisted, "user", "users")
        );
    }
    if unreadable > 0 {
        let _ = write!(
            text,
            "; {} could not be read",
            count(unreadable, "user", "users")
        );
    }
    text
}

#[cfg(test)]
mod tests;
