// The drawing pad's window side.
import DigitCore
