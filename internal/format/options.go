package format

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ingotdata/ingot/internal/format/csv"
	"github.com/ingotdata/ingot/internal/format/json"
)

// JSONOptions translates Spark's JSON reader options.
func JSONOptions(o Options) (json.Options, error) {
	var out json.Options
	var err error
	if out.MultiLine, err = o.Bool("multiLine", false); err != nil {
		return out, err
	}
	if out.PrimitivesAsString, err = o.Bool("primitivesAsString", false); err != nil {
		return out, err
	}
	if out.PrefersDecimal, err = o.Bool("prefersDecimal", false); err != nil {
		return out, err
	}
	if out.SamplingRatio, err = floatOpt(o, "samplingRatio"); err != nil {
		return out, err
	}
	if out.Mode, err = json.ParseMode(o.Get("mode", "")); err != nil {
		return out, err
	}
	return out, nil
}

// CSVOptions translates Spark's CSV reader options.
func CSVOptions(o Options) (csv.Options, error) {
	var out csv.Options
	var err error
	if out.Header, err = o.Bool("header", false); err != nil {
		return out, err
	}
	if out.InferSchema, err = o.Bool("inferSchema", false); err != nil {
		return out, err
	}
	for _, c := range []struct {
		key string
		dst *byte
	}{{"sep", &out.Delimiter}, {"delimiter", &out.Delimiter}, {"quote", &out.Quote}, {"escape", &out.Escape}} {
		v, ok := o[strings.ToLower(c.key)]
		if !ok {
			continue
		}
		switch {
		case v == "" && c.key == "quote":
			out.NoQuote = true
		case v == `\t`:
			*c.dst = '\t'
		case len(v) == 1:
			*c.dst = v[0]
		default:
			return out, fmt.Errorf("format: option %s=%q must be a single character", c.key, v)
		}
	}
	out.NullValue = o.Get("nullValue", "")
	out.NaNValue = o.Get("nanValue", "")
	out.PositiveInf = o.Get("positiveInf", "")
	out.NegativeInf = o.Get("negativeInf", "")
	out.TimestampFormat = o.Get("timestampFormat", "")
	if out.SamplingRatio, err = floatOpt(o, "samplingRatio"); err != nil {
		return out, err
	}
	if out.Mode, err = csv.ParseMode(o.Get("mode", "")); err != nil {
		return out, err
	}
	return out, nil
}

func floatOpt(o Options, key string) (float64, error) {
	v := o.Get(key, "")
	if v == "" {
		return 0, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0, fmt.Errorf("format: option %s=%q is not a number", key, v)
	}
	return f, nil
}
