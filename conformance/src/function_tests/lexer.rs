//! Splits a test file into tokens.
//!
//! Like the ANTLR lexer (`FuncTestCaseLexer.g4`), whitespace and line breaks separate tokens but
//! mean nothing else, so a case may span lines. `###` header lines and `#` comments run to the end
//! of their line and become one token each. Keywords are not tokens of their own: every name is a
//! [`Tok::Word`] and the parser decides by position whether it is a function, a type or `null`.

use super::error::TestFileError;

/// One token, without its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Tok {
    /// `### KEY: value`: the text after `###`, trimmed.
    Header(String),
    /// `# text`: the text after the `#`s, trimmed.
    Comment(String),
    /// A name: letters, digits, `_` and `$`, not starting with a digit.
    Word(String),
    /// A number as written, sign included: `-12`, `1.5e+308`, `-inf` (bare `inf`/`nan` are words).
    Number(String),
    /// A quoted string, unescaped (see [`scan_string`]).
    Str(String),
    LParen,
    RParen,
    LBracket,
    RBracket,
    LAngle,
    RAngle,
    Comma,
    Colon,
    DoubleColon,
    Eq,
    QMark,
    Dot,
    Arrow,
    Bang,
    /// `<!ERROR>`.
    ErrorResult,
    /// `<!UNDEFINED>`.
    UndefinedResult,
}

impl Tok {
    /// How the token reads in an error message.
    pub(super) fn describe(&self) -> String {
        let symbol = match self {
            Tok::Header(_) => return "a `###` header line".to_string(),
            Tok::Comment(_) => return "a `#` comment".to_string(),
            Tok::Word(word) => return format!("`{word}`"),
            Tok::Number(number) => return format!("`{number}`"),
            Tok::Str(text) => return format!("string '{text}'"),
            Tok::LParen => "(",
            Tok::RParen => ")",
            Tok::LBracket => "[",
            Tok::RBracket => "]",
            Tok::LAngle => "<",
            Tok::RAngle => ">",
            Tok::Comma => ",",
            Tok::Colon => ":",
            Tok::DoubleColon => "::",
            Tok::Eq => "=",
            Tok::QMark => "?",
            Tok::Dot => ".",
            Tok::Arrow => "->",
            Tok::Bang => "!",
            Tok::ErrorResult => "<!ERROR>",
            Tok::UndefinedResult => "<!UNDEFINED>",
        };
        format!("`{symbol}`")
    }
}

/// A token and the 1-based line it starts on.
#[derive(Debug, Clone)]
pub(super) struct Token {
    pub(super) tok: Tok,
    pub(super) line: usize,
}

/// Splits `text` into tokens.
pub(super) fn lex(text: &str) -> Result<Vec<Token>, TestFileError> {
    // A byte-order mark is not part of the content.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let mut line = 1;
    while let Some(&c) = chars.get(i) {
        let start_line = line;
        let next = chars.get(i + 1).copied();
        let tok = match c {
            '\n' => {
                line += 1;
                i += 1;
                continue;
            }
            c if c.is_whitespace() => {
                i += 1;
                continue;
            }
            '#' => {
                let end = line_end(&chars, i);
                let body = text_between(&chars, i, end);
                i = end;
                match body.strip_prefix("###") {
                    Some(header) => Tok::Header(header.trim().to_string()),
                    None => Tok::Comment(body.trim_start_matches('#').trim().to_string()),
                }
            }
            // `//` and `/* */` comments come from the imported SubstraitLexer.g4 and are skipped.
            '/' if next == Some('/') => {
                i = line_end(&chars, i);
                continue;
            }
            '/' if next == Some('*') => {
                let Some((end, newlines)) = block_comment_end(&chars, i) else {
                    return Err(unexpected(line, "`*/` closing the comment", "end of file"));
                };
                i = end;
                line += newlines;
                continue;
            }
            '\'' => {
                let (value, end, newlines) = scan_string(&chars, i, line)?;
                i = end;
                line += newlines;
                Tok::Str(value)
            }
            '-' if next == Some('>') => {
                i += 2;
                Tok::Arrow
            }
            '<' if next == Some('!') => {
                let close = word_end(&chars, i + 2);
                let word = text_between(&chars, i + 2, close).to_ascii_uppercase();
                if chars.get(close) != Some(&'>') {
                    return Err(unexpected(line, "`<!ERROR>` or `<!UNDEFINED>`", "`<!`"));
                }
                i = close + 1;
                match word.as_str() {
                    "ERROR" => Tok::ErrorResult,
                    "UNDEFINED" => Tok::UndefinedResult,
                    _ => {
                        let found = format!("`<!{word}>`");
                        return Err(unexpected(line, "`<!ERROR>` or `<!UNDEFINED>`", &found));
                    }
                }
            }
            c if is_word_start(c) => {
                let end = word_end(&chars, i);
                let word = text_between(&chars, i, end);
                i = end;
                Tok::Word(word)
            }
            c if c.is_ascii_digit() || c == '+' || c == '-' => match scan_number(&chars, i) {
                Some(end) => {
                    let number = text_between(&chars, i, end);
                    i = end;
                    Tok::Number(number)
                }
                None => return Err(unexpected(line, "a number", &format!("`{c}`"))),
            },
            ':' if next == Some(':') => {
                i += 2;
                Tok::DoubleColon
            }
            _ => {
                let tok = match c {
                    '(' => Tok::LParen,
                    ')' => Tok::RParen,
                    '[' => Tok::LBracket,
                    ']' => Tok::RBracket,
                    '<' => Tok::LAngle,
                    '>' => Tok::RAngle,
                    ',' => Tok::Comma,
                    ':' => Tok::Colon,
                    '=' => Tok::Eq,
                    '?' => Tok::QMark,
                    '.' => Tok::Dot,
                    '!' => Tok::Bang,
                    other => {
                        let found = format!("character `{other}`");
                        return Err(unexpected(line, "a token", &found));
                    }
                };
                i += 1;
                tok
            }
        };
        tokens.push(Token {
            tok,
            line: start_line,
        });
    }
    Ok(tokens)
}

/// Reads the string literal whose opening quote is at `start`. Returns the unescaped text, the
/// index just past the closing quote, and how many line breaks it contained.
///
/// `\'` and `''` stand for a quote and `\\` for a backslash (the README's rule, and the ANTLR
/// `StringLiteral` rule). Any other backslash is kept as written, because the regex test cases
/// depend on it: `'\d'` must reach the engine as `\d`.
pub(super) fn scan_string(
    chars: &[char],
    start: usize,
    line: usize,
) -> Result<(String, usize, usize), TestFileError> {
    let mut out = String::new();
    let mut i = start + 1;
    let mut newlines = 0;
    loop {
        match chars.get(i) {
            None => return Err(TestFileError::UnterminatedString { line }),
            Some('\\') => match chars.get(i + 1) {
                Some('\'') => out.push('\''),
                Some('\\') => out.push('\\'),
                Some(&other) => {
                    newlines += usize::from(other == '\n');
                    out.push('\\');
                    out.push(other);
                }
                None => return Err(TestFileError::UnterminatedString { line }),
            },
            Some('\'') if chars.get(i + 1) == Some(&'\'') => out.push('\''),
            Some('\'') => return Ok((out, i + 1, newlines)),
            Some(&other) => {
                newlines += usize::from(other == '\n');
                out.push(other);
                i += 1;
                continue;
            }
        }
        // Every two-character form (escape or doubled quote) ends up here.
        i += 2;
    }
}

/// The end of a number starting at `start`: `[+-]? digits (. digits)? ([eE] [+-]? digits)?`, or a
/// signed infinity (`-inf`, `+inf`). `None` if there is no number there.
fn scan_number(chars: &[char], start: usize) -> Option<usize> {
    let mut i = start;
    if matches!(chars.get(i), Some('+' | '-')) {
        i += 1;
        let end = word_end(chars, i);
        let word = text_between(chars, i, end).to_ascii_lowercase();
        if word == "inf" || word == "infinity" {
            return Some(end);
        }
    }
    let digits_start = i;
    i = digits_end(chars, i);
    if i == digits_start {
        return None;
    }
    if chars.get(i) == Some(&'.') && chars.get(i + 1).is_some_and(char::is_ascii_digit) {
        i = digits_end(chars, i + 1);
    }
    if matches!(chars.get(i), Some('e' | 'E')) {
        let mut j = i + 1;
        if matches!(chars.get(j), Some('+' | '-')) {
            j += 1;
        }
        if chars.get(j).is_some_and(char::is_ascii_digit) {
            i = digits_end(chars, j);
        }
    }
    Some(i)
}

/// The index just past the `*/` closing the block comment at `start`, and the line breaks inside.
fn block_comment_end(chars: &[char], start: usize) -> Option<(usize, usize)> {
    let mut newlines = 0;
    let mut i = start + 2;
    loop {
        match chars.get(i)? {
            '*' if chars.get(i + 1) == Some(&'/') => return Some((i + 2, newlines)),
            '\n' => newlines += 1,
            _ => {}
        }
        i += 1;
    }
}

fn digits_end(chars: &[char], mut i: usize) -> usize {
    while chars.get(i).is_some_and(char::is_ascii_digit) {
        i += 1;
    }
    i
}

fn is_word_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || c == '$'
}

fn word_end(chars: &[char], mut i: usize) -> usize {
    while chars
        .get(i)
        .is_some_and(|&c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
    {
        i += 1;
    }
    i
}

fn line_end(chars: &[char], mut i: usize) -> usize {
    while chars.get(i).is_some_and(|&c| c != '\n') {
        i += 1;
    }
    i
}

fn text_between(chars: &[char], from: usize, to: usize) -> String {
    chars
        .get(from..to)
        .map(|slice| slice.iter().collect())
        .unwrap_or_default()
}

fn unexpected(line: usize, expected: &str, found: &str) -> TestFileError {
    TestFileError::Unexpected {
        line,
        expected: expected.to_string(),
        found: found.to_string(),
    }
}
