//! A relation's output as the walk derives it.

use datafusion_substrait::substrait::proto::Type;

/// The columns a relation outputs, each with its type where the plan lets it be derived.
///
/// `complete` is false for relations whose width the walk cannot know (extension relations,
/// references to other plan relations): references into such a schema are not checked.
#[derive(Debug, Clone, PartialEq)]
pub struct RelSchema {
    /// The columns, in order; `None` where a column's type is not derivable.
    pub columns: Vec<Option<Type>>,
    /// Whether `columns` is the relation's whole output.
    pub complete: bool,
}

impl RelSchema {
    /// A schema of known width.
    pub fn known(columns: Vec<Option<Type>>) -> Self {
        Self {
            columns,
            complete: true,
        }
    }

    /// A schema the walk cannot derive.
    pub fn unknown() -> Self {
        Self {
            columns: Vec::new(),
            complete: false,
        }
    }

    /// The number of columns (meaningful when `complete`).
    pub fn width(&self) -> usize {
        self.columns.len()
    }

    /// The type of column `index`, if known.
    pub fn column(&self, index: usize) -> Option<&Type> {
        self.columns.get(index).and_then(Option::as_ref)
    }

    /// This schema followed by `other`'s columns (a join's or cross product's output).
    pub fn concat(mut self, other: &RelSchema) -> Self {
        self.columns.extend(other.columns.iter().cloned());
        self.complete &= other.complete;
        self
    }
}
