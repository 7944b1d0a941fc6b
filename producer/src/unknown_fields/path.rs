//! Where in a plan a check is: `relations[0].root.input.filter.condition`.

use std::fmt;

/// One step from a message into its contents.
#[derive(Debug, Clone)]
enum Step {
    /// A field, by its proto name (not the JSON name: one spelling for both encodings).
    Field(String),
    /// An element of a repeated field.
    Index(usize),
    /// An entry of a map field, by its key as written.
    Key(String),
}

/// A path from the plan's root, grown and shrunk as a walk descends and returns.
///
/// Kept as steps, not text: most walks never fail, so the text is built only for a report.
#[derive(Debug, Clone, Default)]
pub struct PlanPath {
    steps: Vec<Step>,
}

impl PlanPath {
    /// Enters field `name`.
    pub fn push_field(&mut self, name: &str) {
        self.steps.push(Step::Field(name.to_string()));
    }

    /// Enters element `index` of the repeated field just entered.
    pub fn push_index(&mut self, index: usize) {
        self.steps.push(Step::Index(index));
    }

    /// Enters the map entry with key `key`.
    pub fn push_key(&mut self, key: &str) {
        self.steps.push(Step::Key(key.to_string()));
    }

    /// Leaves the last step entered.
    pub fn pop(&mut self) {
        self.steps.pop();
    }

    /// Whether the innermost field entered (ignoring indexes and keys after it) is `name`.
    pub fn ends_with_field(&self, name: &str) -> bool {
        self.steps
            .iter()
            .rev()
            .find_map(|step| match step {
                Step::Field(field) => Some(field == name),
                _ => None,
            })
            .unwrap_or(false)
    }
}

impl fmt::Display for PlanPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.steps.is_empty() {
            return f.write_str("the plan's top level");
        }
        for (i, step) in self.steps.iter().enumerate() {
            match step {
                Step::Field(name) if i == 0 => f.write_str(name)?,
                Step::Field(name) => write!(f, ".{name}")?,
                Step::Index(index) => write!(f, "[{index}]")?,
                Step::Key(key) => write!(f, "[{key:?}]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::PlanPath;

    #[test]
    fn renders_fields_indexes_and_keys() {
        let mut path = PlanPath::default();
        assert_eq!(path.to_string(), "the plan's top level");
        path.push_field("relations");
        path.push_index(0);
        path.push_field("root");
        path.push_field("input");
        assert_eq!(path.to_string(), "relations[0].root.input");
        path.pop();
        path.push_key("k");
        assert_eq!(path.to_string(), "relations[0].root[\"k\"]");
    }
}
