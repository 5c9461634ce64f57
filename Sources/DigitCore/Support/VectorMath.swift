// Small reductions shared by the layers and the readers: argmax and eight-lane sums.

/// Index of the largest value (the first on ties), counted from the collection's start.
public func argmax<C: Collection>(_ values: C) -> Int where C.Element == Float, C.Index == Int {
    var best = values.startIndex
    for i in values.indices where values[i] > values[best] { best = i }
    return best - values.startIndex
}

/// Sum of `count` floats, eight lanes at a time (a scalar loop cannot be vectorized without reassociating).
@inline(__always)
func simdSum(_ p: UnsafePointer<Float>, count: Int) -> Float {
    var acc = SIMD8<Float>(repeating: 0)
    var i = 0
    while i + 8 <= count {
        acc += UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
        i += 8
    }
    var total = acc.sum()
    while i < count { total += p[i]; i += 1 }
    return total
}
