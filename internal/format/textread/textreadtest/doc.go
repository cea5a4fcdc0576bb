// Package textreadtest is the test harness the text-format readers (csv,
// json) share: running their datadriven files, rendering a batch.Reader's
// batches as golden text, checking that readers release their memory, and
// the read and infer benchmark loops. Only tests import it; it knows nothing
// of any format's options or syntax, which the callers pass in as functions.
package textreadtest
