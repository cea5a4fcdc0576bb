//go:build !slow

package delta

// flipTrials is how many byte flips TestByteFlips runs (600 with -tags=slow).
const flipTrials = 40
