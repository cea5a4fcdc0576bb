package textread

import (
	"strings"
	"testing"
)

func TestParseMode(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    Mode
		wantErr bool
	}{
		{"", Permissive, false},
		{"permissive", Permissive, false},
		{"FailFast", FailFast, false},
		{"DROPMALFORMED", DropMalformed, false},
		{"strict", 0, true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseMode(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("ParseMode(%q) error = %v, wantErr %t", tc.in, err, tc.wantErr)
			}
			if err != nil {
				if !strings.Contains(err.Error(), `unknown mode "strict"`) {
					t.Fatalf("error %q does not name the mode", err)
				}
				return
			}
			if got != tc.want {
				t.Fatalf("ParseMode(%q) = %v, want %v", tc.in, got, tc.want)
			}
			if back, _ := ParseMode(got.String()); back != got {
				t.Fatalf("%v does not round-trip through String", got)
			}
		})
	}
}
