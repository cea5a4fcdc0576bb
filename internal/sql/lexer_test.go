package sql

import (
	"errors"
	"testing"
)

func TestTokenize(t *testing.T) {
	type tok struct {
		kind      tokenKind
		text      string
		line, col int
	}
	for _, tc := range []struct {
		name string
		in   string
		want []tok
	}{
		{"words and operators", "a<=>b", []tok{{tokIdent, "a", 1, 0}, {tokOp, "<=>", 1, 1}, {tokIdent, "b", 1, 4}}},
		{"positions across lines", "SELECT\n  x", []tok{{tokIdent, "SELECT", 1, 0}, {tokIdent, "x", 2, 2}}},
		{"backquote escape", "`a``b`", []tok{{tokQuoted, "a`b", 1, 0}}},
		{"string escapes", `'a\tb\'c\\d\u0041\101'`, []tok{{tokString, "a\tb'c\\dAA", 1, 0}}},
		{"like escapes kept", `'\%\_'`, []tok{{tokString, `\%\_`, 1, 0}}},
		{"double quoted", `"x'y"`, []tok{{tokString, "x'y", 1, 0}}},
		{"comments skipped", "1 -- c\n/* b /* nested */ */ 2", []tok{{tokNumber, "1", 1, 0}, {tokNumber, "2", 2, 21}}},
		{"numeric suffixes", "10L 1.5BD 1e3 .5 2d", []tok{{tokNumber, "10L", 1, 0}, {tokNumber, "1.5BD", 1, 4}, {tokNumber, "1e3", 1, 10}, {tokNumber, ".5", 1, 14}, {tokNumber, "2d", 1, 17}}},
		{"digit-led identifier", "1a", []tok{{tokIdent, "1a", 1, 0}}},
		{"qualified", "t.c", []tok{{tokIdent, "t", 1, 0}, {tokOp, ".", 1, 1}, {tokIdent, "c", 1, 2}}},
		{"columns count characters", "'é' x", []tok{{tokString, "é", 1, 0}, {tokIdent, "x", 1, 4}}},
		{"binary literal", "X'0A'", []tok{{tokNumber, "X'0A'", 1, 0}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			toks, err := tokenize(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			toks = toks[:len(toks)-1] // EOF
			if len(toks) != len(tc.want) {
				t.Fatalf("got %d tokens %+v, want %d", len(toks), toks, len(tc.want))
			}
			for i, w := range tc.want {
				g := toks[i]
				if g.kind != w.kind || g.text != w.text || g.line != w.line || g.col != w.col {
					t.Errorf("token %d = {%d %q %d:%d}, want {%d %q %d:%d}", i, g.kind, g.text, g.line, g.col, w.kind, w.text, w.line, w.col)
				}
			}
		})
	}
}

func TestTokenizeErrors(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"unclosed string", "x 'abc", "[PARSE_SYNTAX_ERROR] Syntax error at or near ''abc': unclosed string literal (line 1, pos 2)"},
		{"unclosed quoted identifier", "\n `ab", "[PARSE_SYNTAX_ERROR] Syntax error at or near '`': unclosed quoted identifier (line 2, pos 1)"},
		{"unclosed comment", "/* x", "[UNCLOSED_BRACKETED_COMMENT] Found an unclosed bracketed comment. Please, append */ at the end of the comment. (line 1, pos 0)"},
		{"stray character", "a # b", "[PARSE_SYNTAX_ERROR] Syntax error at or near '#' (line 1, pos 2)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tokenize(tc.in)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("got %v, want %s", err, tc.want)
			}
			if !errors.Is(err, ErrSyntax) {
				t.Errorf("%v does not wrap ErrSyntax", err)
			}
		})
	}
}
