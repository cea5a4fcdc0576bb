package sql

import (
	"strconv"
	"strings"

	"github.com/ingotdata/ingot/internal/expr"
)

// statement dispatches on the first word.
func (p *parser) statement() Statement {
	t := p.peek()
	switch {
	case t.is("SELECT"), t.is("WITH"), t.is("VALUES"), t.is("TABLE"), t.isOp("("):
		return p.query()
	case t.is("CREATE"):
		return p.create()
	case t.is("DROP"):
		return p.drop()
	case t.is("USE"):
		p.advance()
		p.accept("DATABASE") // USE DATABASE db is Databricks' spelling
		return &Use{Name: p.databaseName()}
	case t.is("SHOW"):
		return p.show()
	case t.is("DESCRIBE"), t.is("DESC"):
		return p.describe()
	case t.is("INSERT"):
		return p.insert()
	case t.is("DELETE"):
		p.advance()
		p.expect("FROM")
		d := &Delete{Table: p.tableName()}
		d.Alias = p.dmlAlias()
		if p.accept("WHERE") {
			d.Where = p.expr()
		}
		return d
	case t.is("UPDATE"):
		p.advance()
		u := &Update{Table: p.tableName()}
		u.Alias = p.dmlAlias()
		p.expect("SET")
		u.Set = p.assignments()
		if p.accept("WHERE") {
			u.Where = p.expr()
		}
		return u
	case t.is("MERGE"):
		return p.merge()
	case t.is("ALTER"):
		return p.alter()
	case t.is("OPTIMIZE"):
		p.advance()
		o := &Optimize{Table: p.tableName()}
		if p.accept("WHERE") {
			o.Where = p.expr()
		}
		if p.acceptSeq("ZORDER", "BY") {
			if p.peek().isOp("(") {
				o.ZOrderBy = p.parenIdentList()
			} else {
				o.ZOrderBy = []string{p.ident()}
				for p.acceptOp(",") {
					o.ZOrderBy = append(o.ZOrderBy, p.ident())
				}
			}
		}
		return o
	case t.is("VACUUM"):
		p.advance()
		v := &Vacuum{Table: p.tableName()}
		if p.accept("RETAIN") {
			n := p.peek()
			if n.kind != tokNumber {
				p.failAt(n)
			}
			h, err := strconv.ParseFloat(strings.TrimRight(n.text, "LlDd"), 64)
			if err != nil {
				p.failAt(n)
			}
			p.advance()
			p.expect("HOURS")
			v.RetainHours = &h
		}
		if p.acceptSeq("DRY", "RUN") {
			v.DryRun = true
		}
		return v
	case t.is("RESTORE"):
		p.advance()
		p.accept("TABLE")
		r := &Restore{Table: p.tableName()}
		p.accept("TO")
		switch {
		case p.acceptSeq("VERSION", "AS", "OF"):
			v := p.intLiteral()
			r.Version = &v
		case p.acceptSeq("TIMESTAMP", "AS", "OF"):
			s := p.stringLit()
			r.Timestamp = &s
		default:
			p.failAt(p.peek())
		}
		return r
	case t.is("EXPLAIN"):
		p.advance()
		e := &Explain{}
		for _, m := range []string{"EXTENDED", "CODEGEN", "COST", "FORMATTED", "LOGICAL"} {
			if p.accept(m) {
				e.Mode = m
				break
			}
		}
		e.Statement = p.statement()
		return e
	case t.is("SET"):
		return p.set()
	case t.is("CONVERT"):
		p.advance()
		p.expect("TO")
		p.expect("DELTA")
		c := &ConvertToDelta{Table: p.tableName()}
		if p.acceptSeq("PARTITIONED", "BY") {
			c.PartitionBy = p.columnDefs()
		}
		return c
	}
	p.failAt(t)
	return nil
}

// databaseName reads a database name (one part, or catalog.db).
func (p *parser) databaseName() string {
	return strings.Join(p.multipartName(), ".")
}

// dmlAlias reads the optional alias of DELETE/UPDATE/MERGE targets.
func (p *parser) dmlAlias() string {
	if p.accept("AS") {
		return p.ident()
	}
	if p.isIdent() && !p.peek().is("SET") {
		return p.ident()
	}
	return ""
}

func (p *parser) assignments() []Assignment {
	var as []Assignment
	for {
		col, ok := p.columnOrCall().(*expr.ColumnRef)
		if !ok {
			p.failAt(p.toks[p.pos-1])
		}
		p.expectOp("=")
		as = append(as, Assignment{Column: col, Value: p.expr()})
		if !p.acceptOp(",") {
			return as
		}
	}
}

func (p *parser) create() Statement {
	p.expect("CREATE")
	orReplace := p.acceptSeq("OR", "REPLACE")
	switch {
	case p.accept("DATABASE") || p.accept("SCHEMA"):
		if orReplace {
			p.failAt(p.toks[p.pos-1])
		}
		return p.createDatabase()
	case p.peek().is("TABLE"):
		p.advance()
		return p.createTable(orReplace)
	}
	global := p.accept("GLOBAL")
	temp := p.accept("TEMPORARY") || p.accept("TEMP")
	if p.accept("VIEW") {
		v := &CreateView{OrReplace: orReplace, Global: global, Temporary: temp}
		v.IfNotExists = p.acceptSeq("IF", "NOT", "EXISTS")
		v.Name = p.tableName()
		if p.peek().isOp("(") {
			v.Columns = p.parenIdentList()
		}
		p.expect("AS")
		v.As = p.query()
		return v
	}
	if temp && p.accept("TABLE") {
		return p.createTable(orReplace)
	}
	p.failAt(p.peek())
	return nil
}

// createDatabase parses the rest of CREATE DATABASE; its clauses may come
// in any order, each at most once.
func (p *parser) createDatabase() Statement {
	c := &CreateDatabase{IfNotExists: p.acceptSeq("IF", "NOT", "EXISTS")}
	c.Name = p.databaseName()
	seen := map[string]bool{}
	once := func(clause string) {
		if seen[clause] {
			p.fail(errorAt(p.toks[p.pos-1], "DUPLICATE_CLAUSES", "Found duplicate clauses: %s. Please, remove one of them.", clause))
		}
		seen[clause] = true
	}
	for {
		switch {
		case p.accept("COMMENT"):
			once("COMMENT")
			s := p.stringLit()
			c.Comment = &s
		case p.accept("LOCATION"):
			once("LOCATION")
			s := p.stringLit()
			c.Location = &s
		case p.acceptSeq("WITH", "DBPROPERTIES"), p.acceptSeq("WITH", "PROPERTIES"):
			once("WITH DBPROPERTIES")
			c.Properties = p.properties()
		default:
			return c
		}
	}
}

// properties parses (key = value, ...); keys are dotted words or strings
// and the '=' is optional, as in Spark.
func (p *parser) properties() []Property {
	p.expectOp("(")
	var ps []Property
	for {
		ps = append(ps, Property{Key: p.propertyKey()})
		if p.acceptOp("=") || !p.peek().isOp(",") && !p.peek().isOp(")") {
			ps[len(ps)-1].Value = p.literalValue()
		}
		if !p.acceptOp(",") {
			break
		}
	}
	p.expectOp(")")
	return ps
}

func (p *parser) propertyKey() string {
	if p.peek().kind == tokString {
		return p.stringLit()
	}
	parts := []string{p.identOrKeyword()}
	for p.acceptOp(".") {
		parts = append(parts, p.identOrKeyword())
	}
	return strings.Join(parts, ".")
}

// propertyKeys parses (key, ...) of UNSET TBLPROPERTIES.
func (p *parser) propertyKeys() []string {
	p.expectOp("(")
	var ks []string
	for {
		ks = append(ks, p.propertyKey())
		if !p.acceptOp(",") {
			break
		}
	}
	p.expectOp(")")
	return ks
}

func (p *parser) createTable(orReplace bool) Statement {
	c := &CreateTable{OrReplace: orReplace}
	c.IfNotExists = p.acceptSeq("IF", "NOT", "EXISTS")
	c.Name = p.tableName()
	switch {
	case p.accept("LIKE"):
		like := p.tableName()
		c.Like = &like
	case p.peek().is("SHALLOW") || p.peek().is("DEEP") || p.peek().is("CLONE"):
		c.Shallow = p.accept("SHALLOW")
		if !c.Shallow {
			p.accept("DEEP")
		}
		p.expect("CLONE")
		src := p.tableName()
		c.Clone = &src
	case p.peek().isOp("(") && !p.startsQuery(1):
		c.Columns = p.columnDefs()
	}
	seen := map[string]bool{}
	once := func(clause string) {
		if seen[clause] {
			p.fail(errorAt(p.toks[p.pos-1], "DUPLICATE_CLAUSES", "Found duplicate clauses: %s. Please, remove one of them.", clause))
		}
		seen[clause] = true
	}
	for {
		switch {
		case p.accept("USING"):
			once("USING")
			c.Provider = strings.ToLower(p.identOrKeyword())
		case p.acceptSeq("PARTITIONED", "BY"):
			once("PARTITIONED BY")
			c.PartitionBy = p.parenIdentList()
		case p.acceptSeq("CLUSTER", "BY"):
			once("CLUSTER BY")
			c.ClusterBy = p.parenIdentList()
		case p.accept("LOCATION"):
			once("LOCATION")
			s := p.stringLit()
			c.Location = &s
		case p.accept("COMMENT"):
			once("COMMENT")
			s := p.stringLit()
			c.Comment = &s
		case p.accept("TBLPROPERTIES"):
			once("TBLPROPERTIES")
			c.Properties = p.properties()
		case p.accept("OPTIONS"):
			once("OPTIONS")
			// Options are folded into the properties with an "option." prefix
			// as Spark's V2 catalog does.
			for _, o := range p.properties() {
				c.Properties = append(c.Properties, Property{Key: "option." + o.Key, Value: o.Value})
			}
		default:
			if c.Like != nil || c.Clone != nil {
				return c
			}
			if p.accept("AS") || p.startsQuery(0) {
				c.As = p.query()
			}
			return c
		}
	}
}

// columnDefs parses (name type [NOT NULL] [COMMENT 'c'], ...).
func (p *parser) columnDefs() []ColumnDef {
	p.expectOp("(")
	var cols []ColumnDef
	for {
		cd := ColumnDef{Name: p.identOrKeyword()}
		cd.Type = p.dataType()
		for {
			switch {
			case p.acceptSeq("NOT", "NULL"):
				cd.NotNull = true
				continue
			case p.accept("COMMENT"):
				s := p.stringLit()
				cd.Comment = &s
				continue
			case p.acceptSeq("GENERATED", "ALWAYS", "AS"):
				p.expectOp("(")
				cd.Generated = p.expr()
				p.expectOp(")")
				continue
			case p.accept("DEFAULT"):
				cd.Default = p.expr()
				continue
			}
			break
		}
		cols = append(cols, cd)
		if !p.acceptOp(",") {
			break
		}
	}
	p.expectOp(")")
	return cols
}

func (p *parser) drop() Statement {
	p.expect("DROP")
	switch {
	case p.accept("DATABASE") || p.accept("SCHEMA"):
		d := &DropDatabase{IfExists: p.acceptSeq("IF", "EXISTS")}
		d.Name = p.databaseName()
		if p.accept("CASCADE") {
			d.Cascade = true
		} else {
			p.accept("RESTRICT")
		}
		return d
	case p.accept("TABLE"):
		d := &DropTable{IfExists: p.acceptSeq("IF", "EXISTS")}
		d.Name = p.tableName()
		p.accept("PURGE")
		return d
	case p.accept("VIEW"):
		d := &DropTable{View: true, IfExists: p.acceptSeq("IF", "EXISTS")}
		d.Name = p.tableName()
		return d
	}
	p.failAt(p.peek())
	return nil
}

// showLike parses SHOW's optional [LIKE] 'pattern'.
func (p *parser) showLike() *string {
	if p.accept("LIKE") || p.peek().kind == tokString {
		l := p.stringLit()
		return &l
	}
	return nil
}

// showIn parses SHOW TABLES/VIEWS' optional [FROM|IN db] [LIKE] 'pattern'.
func (p *parser) showIn() (db string, like *string) {
	if p.accept("FROM") || p.accept("IN") {
		db = p.databaseName()
	}
	return db, p.showLike()
}

func (p *parser) show() Statement {
	p.expect("SHOW")
	switch {
	case p.accept("DATABASES") || p.accept("SCHEMAS"):
		return &ShowDatabases{Like: p.showLike()}
	case p.accept("TABLES"):
		db, like := p.showIn()
		return &ShowTables{Database: db, Like: like}
	case p.accept("VIEWS"):
		db, like := p.showIn()
		return &ShowViews{Database: db, Like: like}
	case p.accept("COLUMNS"):
		if !p.accept("FROM") {
			p.expect("IN")
		}
		s := &ShowColumns{Table: p.tableName()}
		if p.accept("FROM") || p.accept("IN") {
			s.Table.Database = p.databaseName()
		}
		return s
	case p.acceptSeq("CREATE", "TABLE"):
		return &ShowCreateTable{Table: p.tableName()}
	case p.accept("TBLPROPERTIES"):
		s := &ShowTblProperties{Table: p.tableName()}
		if p.acceptOp("(") {
			k := p.propertyKey()
			s.Key = &k
			p.expectOp(")")
		}
		return s
	}
	p.failAt(p.peek())
	return nil
}

func (p *parser) describe() Statement {
	p.advance() // DESCRIBE or DESC
	switch {
	case p.accept("DATABASE") || p.accept("SCHEMA"):
		d := &DescribeDatabase{Extended: p.accept("EXTENDED")}
		d.Name = p.databaseName()
		return d
	case p.peek().is("HISTORY") && p.peekN(1).kind != tokEOF && !p.peekN(1).isOp(";"):
		p.advance()
		d := &DescribeHistory{Table: p.tableName()}
		if p.accept("LIMIT") {
			n := p.intLiteral()
			d.Limit = &n
		}
		return d
	case p.peek().is("DETAIL") && p.peekN(1).kind != tokEOF && !p.peekN(1).isOp(";"):
		p.advance()
		return &DescribeDetail{Table: p.tableName()}
	}
	p.accept("TABLE")
	d := &DescribeTable{Extended: p.accept("EXTENDED") || p.accept("FORMATTED")}
	d.Table = p.tableName()
	return d
}

func (p *parser) insert() Statement {
	p.expect("INSERT")
	ins := &Insert{}
	switch {
	case p.accept("OVERWRITE"):
		ins.Overwrite = true
	case p.accept("INTO"):
	default:
		p.failAt(p.peek())
	}
	p.accept("TABLE")
	ins.Table = p.tableName()
	if p.peek().isOp("(") && !p.startsQuery(1) {
		ins.Columns = p.parenIdentList()
	}
	if p.acceptSeq("REPLACE", "WHERE") {
		ins.ReplaceWhere = p.expr()
	}
	ins.Query = p.query()
	return ins
}

func (p *parser) merge() Statement {
	p.expect("MERGE")
	p.expect("INTO")
	m := &Merge{Target: p.tableName()}
	m.TargetAlias = p.dmlAlias()
	p.expect("USING")
	m.Source = p.relationPrimary()
	p.expect("ON")
	m.On = p.expr()
	for p.accept("WHEN") {
		var c MergeClause
		switch {
		case p.accept("MATCHED"):
			c.Match = WhenMatched
		case p.acceptSeq("NOT", "MATCHED", "BY", "SOURCE"):
			c.Match = WhenNotMatchedBySource
		case p.acceptSeq("NOT", "MATCHED"):
			c.Match = WhenNotMatched
			p.acceptSeq("BY", "TARGET")
		default:
			p.failAt(p.peek())
		}
		if p.accept("AND") {
			c.Cond = p.expr()
		}
		p.expect("THEN")
		switch {
		case c.Match != WhenNotMatched && p.accept("UPDATE"):
			c.Action = MergeUpdate
			p.expect("SET")
			if p.acceptOp("*") {
				c.Star = true
			} else {
				c.Set = p.assignments()
			}
		case c.Match != WhenNotMatched && p.accept("DELETE"):
			c.Action = MergeDelete
		case c.Match == WhenNotMatched && p.accept("INSERT"):
			c.Action = MergeInsert
			if p.acceptOp("*") {
				c.Star = true
				break
			}
			if p.peek().isOp("(") {
				c.Columns = p.parenIdentList()
			}
			p.expect("VALUES")
			c.Values = p.parenExprList(false)
			if len(c.Columns) > 0 && len(c.Columns) != len(c.Values) {
				p.fail(errorAt(p.toks[p.pos-1], "PARSE_SYNTAX_ERROR", "Syntax error at or near ')': INSERT has %d columns but %d values", len(c.Columns), len(c.Values)))
			}
		default:
			p.failAt(p.peek())
		}
		m.Clauses = append(m.Clauses, c)
	}
	if len(m.Clauses) == 0 {
		p.failAt(p.peek())
	}
	return m
}

func (p *parser) alter() Statement {
	p.expect("ALTER")
	p.expect("TABLE")
	name := p.tableName()
	switch {
	case p.acceptSeq("ADD", "COLUMNS"), p.acceptSeq("ADD", "COLUMN"):
		if p.peek().isOp("(") {
			return &AlterTableAddColumns{Table: name, Columns: p.columnDefs()}
		}
		cd := ColumnDef{Name: p.identOrKeyword(), Type: p.dataType()}
		if p.accept("COMMENT") {
			s := p.stringLit()
			cd.Comment = &s
		}
		return &AlterTableAddColumns{Table: name, Columns: []ColumnDef{cd}}
	case p.acceptSeq("SET", "TBLPROPERTIES"):
		return &AlterTableSetProperties{Table: name, Properties: p.properties()}
	case p.acceptSeq("UNSET", "TBLPROPERTIES"):
		u := &AlterTableUnsetProperties{Table: name, IfExists: p.acceptSeq("IF", "EXISTS")}
		u.Keys = p.propertyKeys()
		return u
	case p.acceptSeq("ADD", "CONSTRAINT"):
		c := &AlterTableAddConstraint{Table: name, Name: p.ident()}
		p.expect("CHECK")
		p.expectOp("(")
		c.Check = p.expr()
		p.expectOp(")")
		return c
	case p.acceptSeq("RENAME", "TO"):
		return &AlterTableRename{Table: name, To: p.tableName()}
	case p.acceptSeq("RENAME", "COLUMN"):
		r := &AlterTableRenameColumn{Table: name, From: p.identOrKeyword()}
		p.expect("TO")
		r.To = p.identOrKeyword()
		return r
	case p.accept("ALTER") || p.accept("CHANGE"):
		p.accept("COLUMN")
		a := &AlterTableAlterColumn{Table: name, Column: p.identOrKeyword()}
		switch {
		case p.accept("TYPE"):
			a.Type = p.dataType()
		case p.accept("COMMENT"):
			s := p.stringLit()
			a.Comment = &s
		case p.acceptSeq("SET", "NOT", "NULL"):
			a.SetNotNull = true
		case p.acceptSeq("DROP", "NOT", "NULL"):
			a.DropNotNull = true
		default:
			p.failAt(p.peek())
		}
		return a
	case p.acceptSeq("DROP", "COLUMNS"), p.acceptSeq("DROP", "COLUMN"):
		d := &AlterTableDropColumns{Table: name, IfExists: p.acceptSeq("IF", "EXISTS")}
		if p.peek().isOp("(") {
			d.Columns = p.parenIdentList()
		} else {
			d.Columns = []string{p.identOrKeyword()}
			for p.acceptOp(",") {
				d.Columns = append(d.Columns, p.identOrKeyword())
			}
		}
		return d
	case p.acceptSeq("DROP", "CONSTRAINT"):
		d := &AlterTableDropConstraint{Table: name, IfExists: p.acceptSeq("IF", "EXISTS")}
		d.Name = p.ident()
		return d
	}
	p.failAt(p.peek())
	return nil
}

// set parses SET, SET key, SET key = value. Keys are dotted words; the
// value is the raw text up to the end of the statement, as Spark takes it.
func (p *parser) set() Statement {
	p.expect("SET")
	s := &SetConfig{}
	if p.peek().kind == tokEOF || p.peek().isOp(";") {
		return s
	}
	// Keys and values are taken verbatim from the text: Spark does not
	// tokenize them (SET a.b-c = x y is legal).
	keyStart := p.peek().off
	for t := p.peek(); t.kind != tokEOF && !t.isOp(";") && !t.isOp("="); t = p.peek() {
		p.advance()
	}
	s.Key = strings.TrimSpace(p.src[keyStart:p.peek().off])
	if p.acceptOp("=") {
		valStart := p.peek().off
		for t := p.peek(); t.kind != tokEOF && !t.isOp(";"); t = p.peek() {
			p.advance()
		}
		v := strings.TrimSpace(p.src[valStart:p.peek().off])
		s.Value = &v
	}
	return s
}
