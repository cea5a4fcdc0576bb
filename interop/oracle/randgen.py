"""A seeded generator of typed Spark SQL queries and their input tables.

Every expression is built for a wanted type (int, bigint, double, decimal,
string, date, timestamp, boolean) from columns, literals (NULL among them)
and operators and functions of that result type, so every query the
generator writes is well-typed in Spark. Results must not depend on row
order: windows that number rows order by the unique id, LIMIT follows an
ORDER BY ending in id, and no aggregate keeps an arbitrary value.
"""
import random

TYPES = ("int", "bigint", "double", "decimal", "string", "date", "timestamp", "boolean")
SQL_TYPE = {
    "int": "INT", "bigint": "BIGINT", "double": "DOUBLE", "decimal": "DECIMAL(10,2)",
    "string": "STRING", "date": "DATE", "timestamp": "TIMESTAMP", "boolean": "BOOLEAN",
}

# The input tables: name -> [(column, type)]. id is unique and never NULL.
TABLES = {
    "t1": [("id", "int"), ("k", "int"), ("a", "int"), ("b", "bigint"), ("c", "double"),
           ("d", "decimal"), ("s", "string"), ("dt", "date"), ("ts", "timestamp"), ("f", "boolean")],
    "t2": [("id", "int"), ("k", "int"), ("a", "int"), ("c", "double"), ("s", "string"), ("dt", "date")],
    "t3": [("id", "int"), ("k", "int"), ("s", "string"), ("d", "decimal")],
}
ROWS = {"t1": 30, "t2": 24, "t3": 8}

STRINGS = ["abc", "ABC", "a b c", "", " pad ", "42", "-7", "3.5", "x%y", "o'k", "2024-02-29",
           "hello world", "Zed", "zz", "1e3", "null", "ümlaut"]


def _lit(rng, t, nulls=True):
    if nulls and rng.random() < 0.08:
        return "CAST(NULL AS %s)" % SQL_TYPE[t]
    if t == "int":
        return str(rng.choice([0, 1, 2, 3, -1, 5, 7, 10, 100]))
    if t == "bigint":
        return str(rng.choice([0, 1, -3, 1000, 123456789012])) + "L"
    if t == "double":
        return rng.choice(["0.0D", "1.5D", "-2.25D", "100.0D", "0.1D", "3.0D"])
    if t == "decimal":
        return rng.choice(["1.50BD", "0.00BD", "-3.25BD", "10.05BD"])
    if t == "string":
        return "'" + rng.choice(STRINGS).replace("'", "''") + "'"
    if t == "date":
        return "DATE'%s'" % rng.choice(["2024-01-31", "2023-12-25", "2000-02-29", "1999-07-04"])
    if t == "timestamp":
        return "TIMESTAMP'%s'" % rng.choice(["2024-01-31 12:34:56", "2023-12-25 00:00:00", "2000-02-29 23:59:59"])
    if t == "boolean":
        return rng.choice(["true", "false"])
    raise ValueError(t)


def _value(rng, t):
    """A cell of the input tables, as a SQL literal."""
    if rng.random() < 0.2:
        return "NULL"
    if t == "int":
        return str(rng.randint(-5, 12))
    if t == "bigint":
        return str(rng.choice([rng.randint(-1000, 1000), rng.randint(-10**12, 10**12)]))
    if t == "double":
        return repr(rng.choice([round(rng.uniform(-100, 100), 3), float(rng.randint(-3, 3)), 0.5, 1e10]))
    if t == "decimal":
        return "%d.%02d" % (rng.randint(-999, 999), rng.randint(0, 99))
    if t == "string":
        return "'" + rng.choice(STRINGS).replace("'", "''") + "'"
    if t == "date":
        return "DATE'%04d-%02d-%02d'" % (rng.choice([1999, 2000, 2023, 2024]), rng.randint(1, 12), rng.randint(1, 28))
    if t == "timestamp":
        return "TIMESTAMP'2024-%02d-%02d %02d:%02d:%02d'" % (
            rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59))
    if t == "boolean":
        return rng.choice(["true", "false"])
    raise ValueError(t)


def setup_sql(seed):
    rng = random.Random(seed)
    out = ["-- The random category's input tables, written by interop/oracle/regen from",
           "-- seed %d (interop/oracle/randgen.py). Run on Spark and on ingot alike." % seed]
    for name, cols in TABLES.items():
        out.append("CREATE TABLE %s (%s) USING DELTA;" % (name, ", ".join("%s %s" % (c, SQL_TYPE[t]) for c, t in cols)))
        rows = []
        for i in range(ROWS[name]):
            cells = [str(i + 1)] + [_value(rng, t) for _, t in cols[1:]]
            rows.append("  (" + ", ".join(cells) + ")")
        out.append("INSERT INTO %s VALUES\n%s;" % (name, ",\n".join(rows)))
    return "\n".join(out) + "\n"


class Gen:
    def __init__(self, rng, cols):
        self.rng = rng
        self.cols = cols  # [(sql reference, type)]

    def col(self, t):
        cs = [c for c, ct in self.cols if ct == t]
        return self.rng.choice(cs) if cs else None

    def expr(self, t, depth=2):
        rng = self.rng
        if depth <= 0 or rng.random() < 0.3:
            c = self.col(t)
            if c and rng.random() < 0.8:
                return c
            return _lit(rng, t)
        d = depth - 1
        e = lambda tt: self.expr(tt, d)  # noqa: E731
        choices = {
            "int": [
                lambda: "(%s + %s)" % (e("int"), e("int")),
                lambda: "(%s - %s)" % (e("int"), e("int")),
                lambda: "(%s * %s)" % (e("int"), e("int")),
                lambda: "(%s %% %s)" % (e("int"), e("int")),
                lambda: "(%s DIV %s)" % (e("int"), e("int")),
                lambda: "abs(%s)" % e("int"),
                lambda: "(- %s)" % e("int"),
                lambda: "pmod(%s, %s)" % (e("int"), e("int")),
                lambda: "length(%s)" % e("string"),
                lambda: "year(%s)" % e("date"),
                lambda: "month(%s)" % e("date"),
                lambda: "dayofweek(%s)" % e("date"),
                lambda: "hour(%s)" % e("timestamp"),
                lambda: "datediff(%s, %s)" % (e("date"), e("date")),
                lambda: "instr(%s, %s)" % (e("string"), _lit(rng, "string", False)),
                lambda: "CAST(%s AS INT)" % e(rng.choice(["double", "string", "decimal", "bigint", "boolean"])),
                lambda: "coalesce(%s, %s)" % (e("int"), e("int")),
                lambda: "greatest(%s, %s)" % (e("int"), e("int")),
                lambda: "least(%s, %s, %s)" % (e("int"), e("int"), e("int")),
                lambda: "(%s & %s)" % (e("int"), e("int")),
                lambda: "(%s | 1)" % e("int"),
            ],
            "bigint": [
                lambda: "(%s + %s)" % (e("bigint"), e("int")),
                lambda: "(%s * %s)" % (e("bigint"), e("bigint")),
                lambda: "CAST(%s AS BIGINT)" % e(rng.choice(["int", "double", "string", "decimal"])),
                lambda: "floor(%s)" % e("double"),
                lambda: "ceil(%s)" % e(rng.choice(["double", "int"])),
                lambda: "unix_timestamp(%s)" % e("timestamp"),
                lambda: "abs(%s)" % e("bigint"),
            ],
            "double": [
                lambda: "(%s + %s)" % (e("double"), e(rng.choice(["double", "int"]))),
                lambda: "(%s * %s)" % (e("double"), e("double")),
                lambda: "(%s / %s)" % (e(rng.choice(["double", "int"])), e(rng.choice(["double", "int"]))),
                lambda: "sqrt(abs(%s))" % e("double"),
                lambda: "round(%s, %d)" % (e("double"), rng.randint(0, 3)),
                lambda: "power(%s, 2)" % e("double"),
                lambda: "ln(abs(%s) + 1)" % e("double"),
                lambda: "CAST(%s AS DOUBLE)" % e(rng.choice(["int", "string", "decimal", "bigint"])),
                lambda: "abs(%s)" % e("double"),
                lambda: "nvl(%s, %s)" % (e("double"), e("double")),
            ],
            "decimal": [
                lambda: "CAST(%s + %s AS DECIMAL(10,2))" % (e("decimal"), e("decimal")),
                lambda: "CAST(%s * %s AS DECIMAL(10,2))" % (e("decimal"), e("int")),
                lambda: "CAST(round(%s, 1) AS DECIMAL(10,2))" % e("decimal"),
                lambda: "CAST(%s AS DECIMAL(10,2))" % e(rng.choice(["double", "int", "string"])),
                lambda: "abs(%s)" % e("decimal"),
                lambda: "(- %s)" % e("decimal"),
            ],
            "string": [
                lambda: "upper(%s)" % e("string"),
                lambda: "lower(%s)" % e("string"),
                lambda: "concat(%s, %s)" % (e("string"), e("string")),
                lambda: "substr(%s, %d, %d)" % (e("string"), rng.randint(-2, 3), rng.randint(0, 4)),
                lambda: "trim(%s)" % e("string"),
                lambda: "lpad(%s, %d, '*')" % (e("string"), rng.randint(0, 6)),
                lambda: "rpad(%s, %d, '-')" % (e("string"), rng.randint(0, 6)),
                lambda: "replace(%s, 'a', 'A')" % e("string"),
                lambda: "reverse(%s)" % e("string"),
                lambda: "initcap(%s)" % e("string"),
                lambda: "repeat(%s, 2)" % e("string"),
                lambda: "concat_ws('-', %s, %s)" % (e("string"), e("string")),
                lambda: "regexp_replace(%s, '[0-9]', '#')" % e("string"),
                lambda: "CAST(%s AS STRING)" % e(rng.choice(["int", "bigint", "double", "decimal", "date", "timestamp", "boolean"])),
                lambda: "coalesce(%s, %s)" % (e("string"), e("string")),
                lambda: "date_format(%s, 'yyyy-MM')" % e("date"),
            ],
            "date": [
                lambda: "date_add(%s, %s)" % (e("date"), rng.choice(["1", "-30", "365", self.col("int") or "2"])),
                lambda: "date_sub(%s, %d)" % (e("date"), rng.randint(0, 40)),
                lambda: "CAST(%s AS DATE)" % e(rng.choice(["string", "timestamp"])),
                lambda: "last_day(%s)" % e("date"),
                lambda: "add_months(%s, %d)" % (e("date"), rng.randint(-13, 13)),
                lambda: "trunc(%s, 'MM')" % e("date"),
                lambda: "to_date(%s)" % e("timestamp"),
            ],
            "timestamp": [
                lambda: "CAST(%s AS TIMESTAMP)" % e(rng.choice(["date", "string"])),
                lambda: "date_trunc('HOUR', %s)" % e("timestamp"),
            ],
            "boolean": [
                lambda: self.compare(d),
                lambda: self.compare(d),
                lambda: "(%s AND %s)" % (e("boolean"), e("boolean")),
                lambda: "(%s OR %s)" % (e("boolean"), e("boolean")),
                lambda: "(NOT %s)" % e("boolean"),
                lambda: "(%s IS NULL)" % e(rng.choice(TYPES)),
                lambda: "(%s IS NOT NULL)" % e(rng.choice(TYPES)),
                lambda: "(%s BETWEEN %s AND %s)" % (e("int"), _lit(rng, "int", False), _lit(rng, "int", False)),
                lambda: "(%s IN (%s, %s, %s))" % (e("int"), _lit(rng, "int"), _lit(rng, "int"), _lit(rng, "int")),
                lambda: "(%s LIKE '%s')" % (e("string"), rng.choice(["a%", "%b%", "_", "%", "4_"])),
                lambda: "(%s <=> %s)" % (e("int"), e("int")),
            ],
        }
        # CASE, IF and NULLIF produce any type.
        generic = [
            lambda: "CASE WHEN %s THEN %s WHEN %s THEN %s ELSE %s END" % (
                e("boolean"), e(t), e("boolean"), e(t), e(t)),
            lambda: "if(%s, %s, %s)" % (e("boolean"), e(t), e(t)),
            lambda: "CASE WHEN %s THEN %s END" % (e("boolean"), e(t)),
        ]
        fs = choices[t] + generic
        return rng.choice(fs)()

    def compare(self, d):
        t = self.rng.choice(["int", "double", "string", "date", "decimal", "bigint"])
        op = self.rng.choice(["=", "<>", "<", "<=", ">", ">="])
        return "(%s %s %s)" % (self.expr(t, d), op, self.expr(t, d))


def _cols(table, alias=None):
    return [((alias + "." if alias else "") + c, t) for c, t in TABLES[table]]


def _select_list(g, n, depth=2):
    items, types = [], []
    for i in range(n):
        t = g.rng.choice(TYPES)
        items.append("%s AS c%d" % (g.expr(t, depth), i))
        types.append(t)
    return items, types


def q_project(rng):
    t = rng.choice(["t1", "t2"])
    g = Gen(rng, _cols(t))
    items, _ = _select_list(g, rng.randint(1, 4))
    q = "SELECT id, %s FROM %s" % (", ".join(items), t)
    if rng.random() < 0.7:
        q += " WHERE " + g.expr("boolean", 2)
    if rng.random() < 0.3:
        q += " ORDER BY id"
        if rng.random() < 0.5:
            q += " LIMIT %d" % rng.randint(0, 10)
    return q


JOINS = ["INNER JOIN", "LEFT JOIN", "RIGHT JOIN", "FULL OUTER JOIN", "LEFT SEMI JOIN", "LEFT ANTI JOIN", "CROSS JOIN"]


def q_join(rng):
    left, right = "t1", rng.choice(["t2", "t3"])
    kind = rng.choice(JOINS)
    both = Gen(rng, _cols(left, "x") + _cols(right, "y"))
    only_left = Gen(rng, _cols(left, "x"))
    g = only_left if "SEMI" in kind or "ANTI" in kind else both
    items, _ = _select_list(g, rng.randint(1, 3), 1)
    ident = "x.id" if g is only_left else "x.id AS xid, y.id AS yid"
    q = "SELECT %s, %s FROM %s x %s %s y" % (ident, ", ".join(items), left, kind, right)
    if kind != "CROSS JOIN":
        on = rng.choice(["x.k = y.k", "x.k = y.k", "x.a = y.id", "x.s = y.s"] if right == "t2" else ["x.k = y.k", "x.id = y.id"])
        if rng.random() < 0.3:
            on += " AND " + both.expr("boolean", 1)
        q += " ON " + on
    elif rng.random() < 0.5:
        q += " WHERE " + both.expr("boolean", 1)
    return q


def q_using(rng):
    kind = rng.choice(["INNER JOIN", "LEFT JOIN", "RIGHT JOIN", "FULL OUTER JOIN"])
    return "SELECT k, x.id AS xid, y.id AS yid, x.s AS xs, y.s AS ys FROM t1 x %s t2 y USING (k)" % kind


def q_aggregate(rng):
    t = rng.choice(["t1", "t2"])
    g = Gen(rng, _cols(t))
    keys = []
    for i in range(rng.randint(0, 2)):
        kt = rng.choice(["int", "string", "boolean", "date"])
        keys.append(g.expr(kt, 1))
    aggs = []
    for i in range(rng.randint(1, 4)):
        kind = rng.choice(["count", "count*", "sum", "avg", "min", "max", "countd", "sumd", "bool"])
        if kind == "count*":
            aggs.append("count(*)")
        elif kind == "count":
            aggs.append("count(%s)" % g.expr(rng.choice(TYPES), 1))
        elif kind == "countd":
            aggs.append("count(DISTINCT %s)" % g.expr(rng.choice(["int", "string"]), 1))
        elif kind == "sum":
            aggs.append("sum(%s)" % g.expr(rng.choice(["int", "bigint", "decimal", "double"]), 1))
        elif kind == "sumd":
            aggs.append("sum(DISTINCT %s)" % g.expr("int", 1))
        elif kind == "avg":
            aggs.append("avg(%s)" % g.expr(rng.choice(["int", "decimal", "double"]), 1))
        elif kind == "bool":
            aggs.append("%s(%s)" % (rng.choice(["bool_and", "bool_or"]), g.expr("boolean", 1)))
        else:
            aggs.append("%s(%s)" % (kind, g.expr(rng.choice(TYPES), 1)))
    sel = ["%s AS g%d" % (k, i) for i, k in enumerate(keys)] + ["%s AS a%d" % (a, i) for i, a in enumerate(aggs)]
    q = "SELECT %s FROM %s" % (", ".join(sel), t)
    if rng.random() < 0.4:
        q += " WHERE " + g.expr("boolean", 1)
    if keys:
        q += " GROUP BY " + ", ".join(keys)
        if rng.random() < 0.3:
            q += " HAVING count(*) > %d" % rng.randint(0, 2)
    return q


def q_window(rng):
    t = rng.choice(["t1", "t2"])
    g = Gen(rng, _cols(t))
    part = rng.choice(["k", "a", "s", "dt"])
    wins = []
    for i in range(rng.randint(1, 3)):
        w = rng.choice(["rn", "rank", "dense", "sumrows", "lag", "lead", "avgpart", "countrange", "ntile", "minrange"])
        x = g.expr(rng.choice(["int", "double"]), 1)
        if w == "rn":
            wins.append("row_number() OVER (PARTITION BY %s ORDER BY id)" % part)
        elif w == "rank":
            wins.append("rank() OVER (PARTITION BY %s ORDER BY %s)" % (part, x))
        elif w == "dense":
            wins.append("dense_rank() OVER (ORDER BY %s DESC)" % x)
        elif w == "sumrows":
            wins.append("sum(%s) OVER (PARTITION BY %s ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)" % (x, part))
        elif w == "lag":
            wins.append("lag(%s, %d) OVER (PARTITION BY %s ORDER BY id)" % (x, rng.randint(1, 2), part))
        elif w == "lead":
            wins.append("lead(%s) OVER (ORDER BY id)" % x)
        elif w == "avgpart":
            wins.append("avg(%s) OVER (PARTITION BY %s)" % (x, part))
        elif w == "countrange":
            wins.append("count(%s) OVER (PARTITION BY %s ORDER BY %s)" % (x, part, x))
        elif w == "ntile":
            wins.append("ntile(%d) OVER (ORDER BY id)" % rng.randint(2, 4))
        else:
            wins.append("min(%s) OVER (PARTITION BY %s ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)" % (x, part))
    sel = ["id", part] + ["%s AS w%d" % (w, i) for i, w in enumerate(wins)]
    return "SELECT %s FROM %s" % (", ".join(sel), t)


def q_setop(rng):
    op = rng.choice(["UNION", "UNION ALL", "INTERSECT", "EXCEPT", "INTERSECT ALL", "EXCEPT ALL"])
    t = rng.choice(["int", "string", "date", "double"])
    g1, g2 = Gen(rng, _cols("t1")), Gen(rng, _cols("t2"))
    return "SELECT %s AS v FROM t1 %s SELECT %s AS v FROM t2" % (g1.expr(t, 1), op, g2.expr(t, 1))


def q_subquery(rng):
    g = Gen(rng, _cols("t1"))
    kind = rng.choice(["in", "notin", "exists", "notexists", "scalar"])
    if kind == "in":
        w = "k IN (SELECT k FROM t2 WHERE %s)" % Gen(rng, _cols("t2")).expr("boolean", 1)
    elif kind == "notin":
        w = "a NOT IN (SELECT y.a FROM t3 x JOIN t2 y ON x.k = y.k)"
    elif kind == "exists":
        w = "EXISTS (SELECT 1 FROM t2 WHERE t2.k = t1.k AND t2.a > t1.a)"
    elif kind == "notexists":
        w = "NOT EXISTS (SELECT 1 FROM t3 WHERE t3.k = t1.k)"
    else:
        return "SELECT id, (SELECT max(c) FROM t2 WHERE t2.k = t1.k) AS m, %s AS e FROM t1" % g.expr(rng.choice(TYPES), 1)
    return "SELECT id, %s AS e FROM t1 WHERE %s" % (g.expr(rng.choice(TYPES), 1), w)


def q_distinct_order(rng):
    t = rng.choice(["t1", "t2"])
    g = Gen(rng, _cols(t))
    e = g.expr(rng.choice(TYPES), 1)
    if rng.random() < 0.5:
        return "SELECT DISTINCT %s AS v FROM %s" % (e, t)
    nulls = rng.choice(["ASC NULLS FIRST", "DESC NULLS LAST", "ASC NULLS LAST", "DESC"])
    return "SELECT id, %s AS v FROM %s ORDER BY v %s, id LIMIT %d" % (e, t, nulls, rng.randint(1, 12))


SHAPES = [(q_project, 5), (q_join, 4), (q_using, 1), (q_aggregate, 4), (q_window, 3), (q_setop, 2),
          (q_subquery, 2), (q_distinct_order, 2)]


def queries(seed, n):
    rng = random.Random(seed)
    fs = [f for f, w in SHAPES for _ in range(w)]
    out, seen = [], set()
    while len(out) < n:
        q = rng.choice(fs)(rng)
        if q not in seen:
            seen.add(q)
            out.append(q)
    return out
