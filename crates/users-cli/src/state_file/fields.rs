//! Reading the fields of a [`Node`] tree: tables whose unknown fields are
//! reported, values of the kind they must be, lists read entry by entry.
//! Each reader records a problem where it finds one and says so
//! ([`Reported`]), so that the schema goes on and finds the rest.

use super::Format;
use super::error::{FileErrorKind, Kind, Place, What};
use super::tree::{Entry, Node, Problem, Value};

/// A problem was recorded; the value it was found in is left out.
pub(super) struct Reported;

/// What a reader gives: the value, or word that its problem was recorded.
pub(super) type Read<T> = Result<T, Reported>;

/// Reads a tree, gathering the problems it finds.
pub(super) struct Reader {
    /// The file's format, for the words of messages.
    pub(super) format: Format,
    /// Every problem found so far, in the order found.
    pub(super) problems: Vec<Problem>,
}

/// A table's known fields, taken one by one.
pub(super) struct Table {
    /// The table's line: a `[[section]]`'s header, an inline table's `{`.
    pub(super) line: u32,
    /// Where in the schema it is.
    pub(super) place: Place,
    /// The fields not taken yet.
    entries: Vec<Entry>,
}

impl Table {
    /// The field `name`, if given; taken out, so that each is read once.
    pub(super) fn take(&mut self, name: &str) -> Option<Node> {
        let at = self.entries.iter().position(|entry| entry.key == name)?;
        Some(self.entries.swap_remove(at).node)
    }
}

impl Reader {
    fn fail(&mut self, line: u32, kind: FileErrorKind) -> Reported {
        self.problems.push(Problem::at(line, kind));
        Reported
    }

    fn wrong(&mut self, node: &Node, what: What, expected: Kind) -> Reported {
        let kind = FileErrorKind::WrongType {
            what,
            expected,
            found: node.value.kind(),
            format: self.format,
        };
        self.fail(node.line, kind)
    }

    /// `node` as a table at `place`, every field not of `place` reported.
    pub(super) fn table(&mut self, node: Node, what: What, place: Place) -> Read<Table> {
        let Value::Table(entries) = node.value else {
            return Err(self.wrong(&node, what, Kind::Table));
        };
        let allowed = place.fields();
        let mut known = Vec::with_capacity(entries.len());
        for entry in entries {
            if allowed.contains(&entry.key.as_str()) {
                known.push(entry);
            } else {
                let field = entry.key;
                self.fail(entry.line, FileErrorKind::UnknownField { place, field });
            }
        }
        Ok(Table {
            line: node.line,
            place,
            entries: known,
        })
    }

    /// The field `field`, which must be given: else a problem at the table.
    pub(super) fn required(&mut self, table: &mut Table, field: &'static str) -> Read<Node> {
        let place = table.place;
        table
            .take(field)
            .ok_or_else(|| self.fail(table.line, FileErrorKind::Missing { place, field }))
    }

    /// An optional boolean, `false` when left out.
    pub(super) fn flag(&mut self, table: &mut Table, field: &'static str) -> Read<bool> {
        let Some(node) = table.take(field) else {
            return Ok(false);
        };
        match node.value {
            Value::Boolean(flag) => Ok(flag),
            _ => Err(self.wrong(&node, What::Field(table.place, field), Kind::Boolean)),
        }
    }

    /// An optional list of entries, empty when left out; every entry read.
    pub(super) fn list<T>(
        &mut self,
        table: &mut Table,
        field: &'static str,
        read: impl FnMut(&mut Self, Node) -> Read<T>,
    ) -> Read<Vec<T>> {
        let Some(node) = table.take(field) else {
            return Ok(Vec::new());
        };
        let items = self.array(node, What::Field(table.place, field))?;
        self.each(items, read)
    }

    /// Every item read, so that every bad one is reported, not the first alone.
    pub(super) fn each<T>(
        &mut self,
        items: Vec<Node>,
        mut read: impl FnMut(&mut Self, Node) -> Read<T>,
    ) -> Read<Vec<T>> {
        let mut read_all = Ok(Vec::with_capacity(items.len()));
        for item in items {
            match (read(self, item), &mut read_all) {
                (Ok(value), Ok(values)) => values.push(value),
                (Err(reported), _) => read_all = Err(reported),
                (Ok(_), Err(_)) => {}
            }
        }
        read_all
    }

    /// `node` as an array.
    pub(super) fn array(&mut self, node: Node, what: What) -> Read<Vec<Node>> {
        match node.value {
            Value::Array(items) => Ok(items),
            _ => Err(self.wrong(&node, what, Kind::Array)),
        }
    }

    /// `node` as a string, and its line.
    pub(super) fn string(&mut self, node: Node, what: What) -> Read<(String, u32)> {
        match node.value {
            Value::String(text) => Ok((text, node.line)),
            _ => Err(self.wrong(&node, what, Kind::String)),
        }
    }

    /// A string parsed by a domain type, its error reported at its line.
    pub(super) fn parse<T, E>(
        &mut self,
        node: Node,
        what: What,
        parse: impl FnOnce(String) -> Result<T, E>,
        error: impl FnOnce(E) -> FileErrorKind,
    ) -> Read<(T, u32)> {
        let (text, line) = self.string(node, what)?;
        match parse(text) {
            Ok(value) => Ok((value, line)),
            Err(why) => Err(self.fail(line, error(why))),
        }
    }
}
