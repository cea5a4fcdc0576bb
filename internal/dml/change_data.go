package dml

import (
	"context"
	"strings"

	"github.com/ingotdata/ingot/delta"
	"github.com/ingotdata/ingot/internal/expr"
	"github.com/ingotdata/ingot/internal/plan"
)

// Change types of the rows a rewrite records in cdc files.
const (
	changeInsert     = "insert"
	changeDelete     = "delete"
	changePreimage   = "update_preimage"
	changePostimage  = "update_postimage"
	changeTypeColumn = delta.ChangeTypeColumn
)

// changeFeedOn reports whether the table records a change data feed.
func changeFeedOn(tx *delta.Transaction) bool {
	return strings.EqualFold(tx.Metadata().Configuration["delta.enableChangeDataFeed"], "true")
}

// withChangeType appends the _change_type column to a projection.
func withChangeType(cols []expr.Expr, typ string) []expr.Expr {
	out := append([]expr.Expr(nil), cols...)
	return append(out, &expr.Alias{Name: changeTypeColumn, Child: expr.Lit(typ)})
}

// writeChanges writes the union of branches (each the table's columns
// plus _change_type) as the transaction's cdc files. A rewrite must: a
// commit's remove and add of a file would otherwise read, in the change
// feed, as every copied row deleted and inserted again.
func writeChanges(ctx context.Context, tx *delta.Transaction, tgt Target, branches ...plan.Node) error {
	var n plan.Node = &plan.Union{Inputs: branches, All: true}
	if len(branches) == 1 {
		n = branches[0]
	}
	r, err := plan.Execute(ctx, n, tgt.Exec)
	if err != nil {
		return err
	}
	cdcs, err := tx.WriteChangeFiles(ctx, r)
	if err != nil {
		return err
	}
	tx.AddChanges(cdcs...)
	return nil
}
