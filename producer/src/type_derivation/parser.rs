//! A recursive-descent parser for type expressions and return programs, following the spec's
//! `SubstraitType.g4` grammar.
//!
//! Precedence, loosest first: `cond ? a : b`; `||`/`or`; `&&`/`and`; comparisons; `+ -`;
//! `* /`; prefix `!`/`not`/`-`; then atoms (numbers, names, `min(..)`/`max(..)`, `( .. )`,
//! `if .. then .. else ..`, types).
//!
//! Two ambiguities are settled the way the YAMLs use the language:
//! * `?` right after a type (`i32?`, `any1?`, `decimal?<P,S>`) marks it nullable; anywhere else
//!   it starts a ternary (`init_prec > 38 ? a : b`).
//! * Inside a type's `<...>` a bare `<` or `>` is never a comparison (it closes the list);
//!   parentheses lift that restriction.

use super::error::ParseError;
use super::lexer::{Token, tokenize};
use super::syntax::{BinaryOp, Expr, Program, TypeExpr, TypeName, UnaryOp};

/// Parses a single type expression such as `decimal<P1,S1>` or `list<any1>?`.
pub fn parse_type_expression(text: &str) -> Result<Expr, ParseError> {
    let tokens = tokenize(text)?;
    let mut parser = Parser {
        tokens,
        pos: 0,
        text,
    };
    let expr = parser.expr(false)?;
    parser.expect_end()?;
    Ok(expr)
}

/// Parses a `return:` value: lines of `name = expr` (or `name := expr`) followed by one final
/// expression, which for a well-formed program is a type. A one-line value is a program with no
/// assignments.
pub fn parse_program(text: &str) -> Result<Program, ParseError> {
    let lines = statements(text);
    let Some((last, init)) = lines.split_last() else {
        return Err(ParseError {
            text: text.to_string(),
            reason: "empty return program".to_string(),
        });
    };
    let mut assignments = Vec::with_capacity(init.len());
    for line in init {
        let tokens = tokenize(line)?;
        let (name, rest) = match tokens.as_slice() {
            [Token::Word(name), Token::Symbol("=" | ":="), rest @ ..] if !rest.is_empty() => {
                (name.clone(), rest.to_vec())
            }
            _ => {
                return Err(ParseError {
                    text: line.clone(),
                    reason: "every line but the last must be an assignment `name = expression`"
                        .to_string(),
                });
            }
        };
        let mut parser = Parser {
            tokens: rest,
            pos: 0,
            text: line,
        };
        let expr = parser.expr(false)?;
        parser.expect_end()?;
        assignments.push((name, expr));
    }
    let result = parse_type_expression(last)?;
    Ok(Program {
        assignments,
        result,
    })
}

/// The program's statements: its non-blank lines, with a line joined to the next while it has
/// unclosed parentheses (so a long expression may wrap).
fn statements(text: &str) -> Vec<String> {
    let mut statements = Vec::new();
    let mut current = String::new();
    let mut depth: i64 = 0;
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or_default();
        if code.trim().is_empty() {
            continue;
        }
        depth += code.matches('(').count() as i64 - code.matches(')').count() as i64;
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(code.trim());
        if depth <= 0 {
            statements.push(std::mem::take(&mut current));
            depth = 0;
        }
    }
    if !current.is_empty() {
        statements.push(current);
    }
    statements
}

struct Parser<'a> {
    tokens: Vec<Token>,
    pos: usize,
    text: &'a str,
}

impl Parser<'_> {
    fn error(&self, reason: impl Into<String>) -> ParseError {
        ParseError {
            text: self.text.to_string(),
            reason: reason.into(),
        }
    }

    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn peek_symbol(&self, symbol: &str) -> bool {
        matches!(self.peek(), Some(Token::Symbol(s)) if *s == symbol)
    }

    fn peek_word(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Token::Word(w)) if w == word)
    }

    fn eat_symbol(&mut self, symbol: &str) -> bool {
        let found = self.peek_symbol(symbol);
        if found {
            self.pos += 1;
        }
        found
    }

    fn eat_word(&mut self, word: &str) -> bool {
        let found = self.peek_word(word);
        if found {
            self.pos += 1;
        }
        found
    }

    fn expect_symbol(&mut self, symbol: &str) -> Result<(), ParseError> {
        if self.eat_symbol(symbol) {
            Ok(())
        } else {
            Err(self.error(format!(
                "expected `{symbol}`, found {}",
                self.describe_next()
            )))
        }
    }

    fn expect_end(&self) -> Result<(), ParseError> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.error(format!(
                "unexpected {} after the expression",
                self.describe_next()
            ))),
        }
    }

    fn describe_next(&self) -> String {
        match self.peek() {
            None => "the end".to_string(),
            Some(Token::Word(w)) => format!("`{w}`"),
            Some(Token::UserDefined(w)) => format!("`u!{w}`"),
            Some(Token::Int(n)) => format!("`{n}`"),
            Some(Token::Symbol(s)) => format!("`{s}`"),
        }
    }

    /// `in_angle`: parsing a type parameter, where `<` and `>` delimit rather than compare.
    fn expr(&mut self, in_angle: bool) -> Result<Expr, ParseError> {
        let condition = self.or(in_angle)?;
        if self.eat_symbol("?") {
            let then = self.expr(in_angle)?;
            self.expect_symbol(":")?;
            let otherwise = self.expr(in_angle)?;
            return Ok(Expr::If {
                condition: Box::new(condition),
                then: Box::new(then),
                otherwise: Box::new(otherwise),
            });
        }
        Ok(condition)
    }

    fn or(&mut self, in_angle: bool) -> Result<Expr, ParseError> {
        let mut left = self.and(in_angle)?;
        while self.eat_symbol("||") || self.eat_word("or") {
            let right = self.and(in_angle)?;
            left = binary(BinaryOp::Or, left, right);
        }
        Ok(left)
    }

    fn and(&mut self, in_angle: bool) -> Result<Expr, ParseError> {
        let mut left = self.comparison(in_angle)?;
        while self.eat_symbol("&&") || self.eat_word("and") {
            let right = self.comparison(in_angle)?;
            left = binary(BinaryOp::And, left, right);
        }
        Ok(left)
    }

    fn comparison(&mut self, in_angle: bool) -> Result<Expr, ParseError> {
        let left = self.additive()?;
        let op = match self.peek() {
            Some(Token::Symbol("==" | "=")) => BinaryOp::Eq,
            Some(Token::Symbol("!=")) => BinaryOp::Ne,
            Some(Token::Symbol("<=")) => BinaryOp::Le,
            Some(Token::Symbol(">=")) => BinaryOp::Ge,
            Some(Token::Symbol("<")) if !in_angle => BinaryOp::Lt,
            Some(Token::Symbol(">")) if !in_angle => BinaryOp::Gt,
            _ => return Ok(left),
        };
        self.pos += 1;
        let right = self.additive()?;
        Ok(binary(op, left, right))
    }

    fn additive(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.multiplicative()?;
        loop {
            let op = if self.eat_symbol("+") {
                BinaryOp::Add
            } else if self.eat_symbol("-") {
                BinaryOp::Subtract
            } else {
                return Ok(left);
            };
            let right = self.multiplicative()?;
            left = binary(op, left, right);
        }
    }

    fn multiplicative(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.unary()?;
        loop {
            let op = if self.eat_symbol("*") {
                BinaryOp::Multiply
            } else if self.eat_symbol("/") {
                BinaryOp::Divide
            } else {
                return Ok(left);
            };
            let right = self.unary()?;
            left = binary(op, left, right);
        }
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        let op = if self.eat_symbol("!") || self.eat_word("not") {
            UnaryOp::Not
        } else if self.eat_symbol("-") {
            UnaryOp::Negate
        } else {
            return self.atom();
        };
        let operand = self.unary()?;
        // Fold `-38` into a literal so that parameters compare as plain numbers.
        if let (UnaryOp::Negate, Expr::Int(n)) = (op, &operand) {
            return Ok(Expr::Int(-n));
        }
        Ok(Expr::Unary {
            op,
            operand: Box::new(operand),
        })
    }

    fn atom(&mut self) -> Result<Expr, ParseError> {
        let Some(token) = self.peek().cloned() else {
            return Err(self.error("expected an expression, found the end"));
        };
        self.pos += 1;
        match token {
            Token::Int(n) => Ok(Expr::Int(n)),
            Token::Symbol("(") => {
                let inner = self.expr(false)?;
                self.expect_symbol(")")?;
                Ok(inner)
            }
            Token::UserDefined(name) => self.type_rest(TypeName::UserDefined(name)),
            Token::Word(word) => match word.as_str() {
                "true" => Ok(Expr::Bool(true)),
                "false" => Ok(Expr::Bool(false)),
                "if" => {
                    let condition = self.expr(false)?;
                    if !self.eat_word("then") {
                        return Err(self.error("expected `then` after `if` condition"));
                    }
                    let then = self.expr(false)?;
                    if !self.eat_word("else") {
                        return Err(self.error("expected `else` after `then` branch"));
                    }
                    let otherwise = self.expr(false)?;
                    Ok(Expr::If {
                        condition: Box::new(condition),
                        then: Box::new(then),
                        otherwise: Box::new(otherwise),
                    })
                }
                _ => {
                    if let Some(name) = TypeName::from_keyword(&word) {
                        return self.type_rest(name);
                    }
                    if self.eat_symbol("(") {
                        let mut args = Vec::new();
                        if !self.eat_symbol(")") {
                            loop {
                                args.push(self.expr(false)?);
                                if self.eat_symbol(")") {
                                    break;
                                }
                                self.expect_symbol(",")?;
                            }
                        }
                        return Ok(Expr::Call {
                            function: word,
                            args,
                        });
                    }
                    Ok(Expr::Name(word))
                }
            },
            Token::Symbol(s) => Err(self.error(format!("expected an expression, found `{s}`"))),
        }
    }

    /// After a type's name: an optional `?` and optional `<params>`.
    fn type_rest(&mut self, name: TypeName) -> Result<Expr, ParseError> {
        let mut nullable = self.eat_symbol("?");
        let mut name = name;
        let mut params = Vec::new();
        if self.eat_symbol("<") {
            match &mut name {
                TypeName::Func => params = self.func_params()?,
                TypeName::NStruct(names) => loop {
                    match self.peek().cloned() {
                        Some(Token::Word(field)) => {
                            self.pos += 1;
                            names.push(field);
                        }
                        _ => return Err(self.error("expected a field name in `nstruct<...>`")),
                    }
                    params.push(self.expr(true)?);
                    if self.eat_symbol(">") {
                        break;
                    }
                    self.expect_symbol(",")?;
                },
                _ => loop {
                    params.push(self.expr(true)?);
                    if self.eat_symbol(">") {
                        break;
                    }
                    self.expect_symbol(",")?;
                },
            }
        }
        // `list<i32>?` is also seen in the wild; accept the marker after the parameters too.
        if !params.is_empty() && self.eat_symbol("?") {
            nullable = true;
        }
        Ok(Expr::Type(TypeExpr {
            name,
            nullable,
            params,
        }))
    }

    /// `P -> R>` or `(P1, P2) -> R>`, after `func<`: the parameter types then the result type.
    fn func_params(&mut self) -> Result<Vec<Expr>, ParseError> {
        let mut params = Vec::new();
        if self.eat_symbol("(") {
            loop {
                params.push(self.expr(false)?);
                if self.eat_symbol(")") {
                    break;
                }
                self.expect_symbol(",")?;
            }
        } else {
            params.push(self.expr(true)?);
        }
        self.expect_symbol("->")?;
        params.push(self.expr(true)?);
        self.expect_symbol(">")?;
        Ok(params)
    }
}

fn binary(op: BinaryOp, left: Expr, right: Expr) -> Expr {
    Expr::Binary {
        op,
        left: Box::new(left),
        right: Box::new(right),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(text: &str) -> TypeExpr {
        match parse_type_expression(text).expect("parses") {
            Expr::Type(t) => t,
            other => panic!("`{text}` is not a type: {other:?}"),
        }
    }

    #[test]
    fn parameterised_and_nullable_types() {
        let t = ty("DECIMAL?<P1, S1>");
        assert_eq!(t.name, TypeName::Decimal);
        assert!(t.nullable);
        assert_eq!(
            t.params,
            vec![Expr::Name("p1".into()), Expr::Name("s1".into())]
        );
        let t = ty("List<varchar<L1>>");
        assert_eq!(t.name, TypeName::List);
        assert!(!t.nullable);
        assert_eq!(t.to_string(), "list<vchar<l1>>");
        assert_eq!(ty("any1?").name, TypeName::Any(Some(1)));
        assert!(ty("any1?").nullable);
        assert_eq!(
            ty("u!geometry").name,
            TypeName::UserDefined("geometry".into())
        );
        assert_eq!(
            ty("func<(any1, any2) -> any3?>").to_string(),
            "func<any1, any2, any3?>"
        );
        assert_eq!(
            ty("map<str, list<i32?>>").to_string(),
            "map<str, list<i32?>>"
        );
        assert_eq!(
            ty("nstruct<a i32, b decimal<P,S>>").name,
            TypeName::NStruct(vec!["a".into(), "b".into()])
        );
    }

    #[test]
    fn arithmetic_inside_parameters() {
        assert_eq!(ty("decimal<P + 1, 0>").to_string(), "dec<(p + 1), 0>");
        // Parentheses allow a comparison inside the angle brackets.
        assert_eq!(
            ty("decimal<(P > 10) ? 38 : P, 2>").to_string(),
            "dec<((p > 10) ? 38 : p), 2>"
        );
    }

    #[test]
    fn programs_with_assignments_ternaries_and_logic() {
        let program = parse_program(
            "init_scale = max(S1,S2)\n\
             big = init_scale > 38 && !(P1 == P2) || false\n\
             scale = big ? 38 : init_scale\n\
             DECIMAL<38, scale>",
        )
        .expect("parses");
        assert_eq!(program.assignments.len(), 3);
        assert_eq!(program.assignments[0].1.to_string(), "max(s1, s2)");
        assert_eq!(
            program.assignments[1].1.to_string(),
            "(((init_scale > 38) && !(p1 == p2)) || false)"
        );
        assert_eq!(
            program.assignments[2].1.to_string(),
            "(big ? 38 : init_scale)"
        );
        assert_eq!(program.result.to_string(), "dec<38, scale>");
        let program = parse_program("if P > 18 then i64 else i32").expect("parses");
        assert_eq!(program.result.to_string(), "((p > 18) ? i64 : i32)");
    }

    #[test]
    fn malformed_text_is_rejected_with_a_reason() {
        for bad in [
            "decimal<P1,",
            "i32 i64",
            "x = \nDECIMAL<1,0>",
            "= 3\ni32",
            "",
        ] {
            assert!(parse_program(bad).is_err(), "`{bad}` should not parse");
        }
        let error = parse_program("prec 38\nDECIMAL<prec,0>").expect_err("not an assignment");
        assert!(error.reason.contains("assignment"), "{error}");
    }
}
