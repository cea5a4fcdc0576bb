"""Row normalisation and multiset comparison between Spark and ingot answers.

Both sides are normalised by the Spark schema of the table, so a value from
Spark (Python objects from collect()) and the same value from ingot (the CLI's
JSON) become the same hashable canonical form:

  integers, booleans, strings  as themselves
  float / double               rounded to 6 / 15 significant digits; NaN and
                               infinities as strings
  decimal(p, s)                Decimal quantised to scale s, as a string
  binary                       bytes (ingot prints base64)
  date                         'YYYY-MM-DD' (ingot prints midnight UTC)
  timestamp                    ISO microseconds, UTC (Spark's Python values
                               are naive in the process time zone: the suite
                               runs with TZ=UTC and a UTC session time zone)
  timestamp_ntz                ISO microseconds as written
  array / map / struct         tuples (map entries sorted)
  variant                      its JSON text (pyspark's VariantVal.toJson,
                               for ingot built from the value/metadata binaries)
"""
import base64
import collections
import datetime
import decimal
import math

from pyspark.sql import types as T

_EPOCH = datetime.datetime(1970, 1, 1)


def _float(v, digits):
    if isinstance(v, str):
        v = float(v)
    v = float(v)
    if math.isnan(v) or math.isinf(v):
        return str(v)
    if v == 0:
        return 0.0  # -0.0 and 0.0 compare equal in both engines
    return float(f"{v:.{digits}g}")


def _ts(v, ntz):
    if isinstance(v, datetime.datetime):
        if v.tzinfo is not None:
            v = v.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return v.isoformat(timespec="microseconds")
    s = str(v)
    if s.endswith("Z"):
        s = s[:-1]
    elif not ntz and ("+" in s[10:] or s[10:].count("-")):
        d = datetime.datetime.fromisoformat(s).astimezone(datetime.timezone.utc)
        return d.replace(tzinfo=None).isoformat(timespec="microseconds")
    if "." in s:  # nanoseconds beyond Spark's microseconds are not stored by Delta
        head, frac = s.split(".", 1)
        s = head + "." + frac[:6].ljust(6, "0")
    return datetime.datetime.fromisoformat(s).isoformat(timespec="microseconds")


def _variant_json(v):
    from pyspark.sql.types import VariantVal

    if isinstance(v, VariantVal):
        return v.toJson()
    if isinstance(v, dict):
        value, meta = v.get("value"), v.get("metadata")
    else:
        value, meta = v[0], v[1]
    return VariantVal(base64.b64decode(value), base64.b64decode(meta)).toJson()


def norm(v, dt, side):
    """Canonical form of v, a value of Spark type dt coming from side
    ('spark' or 'ingot')."""
    if v is None:
        return None
    if isinstance(dt, (T.ByteType, T.ShortType, T.IntegerType, T.LongType)):
        return int(v)
    if isinstance(dt, T.BooleanType):
        return bool(v)
    if isinstance(dt, T.FloatType):
        return _float(v, 6)
    if isinstance(dt, T.DoubleType):
        return _float(v, 15)
    if isinstance(dt, T.DecimalType):
        q = decimal.Decimal(1).scaleb(-dt.scale)
        return str(decimal.Decimal(str(v)).quantize(q))
    if isinstance(dt, (T.StringType, T.CharType, T.VarcharType)):
        return str(v)
    if isinstance(dt, T.BinaryType):
        return bytes(v) if side == "spark" else base64.b64decode(v)
    if isinstance(dt, T.DateType):
        return v.isoformat() if isinstance(v, datetime.date) else str(v)[:10]
    if isinstance(dt, T.TimestampNTZType):
        return _ts(v, True)
    if isinstance(dt, T.TimestampType):
        return _ts(v, False)
    if isinstance(dt, T.ArrayType):
        return tuple(norm(x, dt.elementType, side) for x in v)
    if isinstance(dt, T.MapType):
        items = v.items() if isinstance(v, dict) else v  # pyarrow: [(k, v), ...]
        return tuple(sorted(((norm(k, dt.keyType, side), norm(x, dt.valueType, side)) for k, x in items), key=repr))
    if isinstance(dt, T.StructType):
        if isinstance(v, dict):
            vals = [v.get(f.name) for f in dt.fields]
        else:
            vals = list(v)
        return tuple(norm(x, f.dataType, side) for x, f in zip(vals, dt.fields))
    if isinstance(dt, T.VariantType):
        return _variant_json(v)
    raise TypeError(f"no normalisation for {dt!r}")


def spark_rows(df):
    """Canonical multiset of a Spark DataFrame's rows."""
    fields = df.schema.fields
    return collections.Counter(
        tuple(norm(r[i], f.dataType, "spark") for i, f in enumerate(fields)) for r in df.collect()
    )


def ingot_rows(rows, schema):
    """Canonical multiset of ingot JSON rows (dicts) read by Spark schema."""
    out = collections.Counter()
    for r in rows:
        missing = [f.name for f in schema.fields if f.name not in r]
        extra = [k for k in r if k not in {f.name for f in schema.fields}]
        if missing or extra:
            raise AssertionError(f"ingot columns {list(r)} differ from Spark's {schema.fieldNames()}")
        out[tuple(norm(r[f.name], f.dataType, "ingot") for f in schema.fields)] += 1
    return out


def diff(expected, got, limit=5):
    """'' when the multisets are equal, else a short description."""
    if expected == got:
        return ""
    missing = list((expected - got).items())[:limit]
    extra = list((got - expected).items())[:limit]
    return (
        f"{sum(expected.values())} rows expected, {sum(got.values())} read; "
        f"missing (row, count): {missing}; unexpected: {extra}"
    )


def log_schema(path, version):
    """The Spark schema of the Delta table at path as of version, from the
    last metaData action in its JSON commits up to version (no JVM needed)."""
    import json
    import os
    import re

    log = os.path.join(str(path), "_delta_log")
    schema = None
    for f in sorted(os.listdir(log)):
        if re.fullmatch(r"\d{20}\.json", f) and int(f[:20]) <= version:
            with open(os.path.join(log, f)) as fh:
                for line in fh:
                    md = json.loads(line).get("metaData")
                    if md:
                        schema = md["schemaString"]
    if schema is None:
        raise LookupError(f"{path}: no metaData in the JSON commits up to version {version}")
    return T.StructType.fromJson(json.loads(schema))
