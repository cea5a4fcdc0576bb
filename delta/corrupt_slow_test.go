//go:build slow

package delta

// flipTrials is how many byte flips TestByteFlips runs under -tags=slow.
const flipTrials = 600
