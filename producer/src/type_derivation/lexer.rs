//! Splits one line of the type language into tokens.
//!
//! Lines are lexed separately because newlines end statements in a return program; the parser
//! ([`super::parser`]) splits the program into lines first.

use super::error::ParseError;

/// One token of the type language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// A word: type keyword, parameter name, function name, `if`/`then`/`else`, `and`/`or`/`not`,
    /// `true`/`false`; lower-cased, since the language is case-insensitive.
    Word(String),
    /// `u!name`: a user-defined type's name, lower-cased.
    UserDefined(String),
    /// A non-negative integer; a leading `-` is a separate token (negation).
    Int(i64),
    /// Punctuation and operators, as written: `<`, `>`, `<=`, `>=`, `==`, `=`, `!=`, `!`, `?`,
    /// `:`, `,`, `(`, `)`, `+`, `-`, `*`, `/`, `&&`, `||`, `->`, `:=`.
    Symbol(&'static str),
}

/// The operators, longest first so that `<=` is not read as `<` then `=`. `>>` is deliberately
/// absent: `list<list<i32>>` closes two parameter lists.
const SYMBOLS: &[&str] = &[
    "->", "<=", ">=", "==", "!=", "&&", "||", ":=", "<", ">", "=", "!", "?", ":", ",", "(", ")",
    "+", "-", "*", "/",
];

/// The tokens of `line`, which holds no newline. `//` starts a comment to the end of the line.
pub fn tokenize(line: &str) -> Result<Vec<Token>, ParseError> {
    let mut tokens = Vec::new();
    let mut rest = line;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() || rest.starts_with("//") {
            return Ok(tokens);
        }
        let Some(first) = rest.chars().next() else {
            return Ok(tokens);
        };
        if first.is_ascii_digit() {
            let end = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            let digits = &rest[..end];
            let value = digits.parse().map_err(|_| ParseError {
                text: line.to_string(),
                reason: format!("integer `{digits}` does not fit in 64 bits"),
            })?;
            tokens.push(Token::Int(value));
            rest = &rest[end..];
        } else if is_word_start(first) {
            let end = rest.find(|c: char| !is_word_char(c)).unwrap_or(rest.len());
            let word = rest[..end].to_ascii_lowercase();
            rest = &rest[end..];
            // `u!geometry`: the `!` belongs to the type, not a negation.
            if word == "u" && rest.starts_with('!') {
                let after = &rest[1..];
                let name_end = after
                    .find(|c: char| !is_word_char(c))
                    .unwrap_or(after.len());
                if name_end == 0 {
                    return Err(ParseError {
                        text: line.to_string(),
                        reason: "`u!` without a type name".to_string(),
                    });
                }
                tokens.push(Token::UserDefined(after[..name_end].to_ascii_lowercase()));
                rest = &after[name_end..];
            } else {
                tokens.push(Token::Word(word));
            }
        } else if let Some(symbol) = SYMBOLS.iter().find(|s| rest.starts_with(**s)) {
            tokens.push(Token::Symbol(symbol));
            rest = &rest[symbol.len()..];
        } else {
            return Err(ParseError {
                text: line.to_string(),
                reason: format!("unexpected character `{first}`"),
            });
        }
    }
}

fn is_word_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || c == '$'
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lower_cased_and_nested_closers_stay_apart() {
        let tokens = tokenize("List<VARCHAR<L1>>").expect("lexes");
        assert_eq!(
            tokens,
            vec![
                Token::Word("list".into()),
                Token::Symbol("<"),
                Token::Word("varchar".into()),
                Token::Symbol("<"),
                Token::Word("l1".into()),
                Token::Symbol(">"),
                Token::Symbol(">"),
            ]
        );
    }

    #[test]
    fn user_defined_types_and_operators() {
        let tokens = tokenize("u!Geometry x>=-1 // note").expect("lexes");
        assert_eq!(
            tokens,
            vec![
                Token::UserDefined("geometry".into()),
                Token::Word("x".into()),
                Token::Symbol(">="),
                Token::Symbol("-"),
                Token::Int(1),
            ]
        );
        assert!(tokenize("a @ b").is_err());
    }
}
