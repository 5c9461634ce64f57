// Flat float storage for activations and parameters, reused across batches so training never allocates per batch.

import Foundation

/// A dense row-major array of floats with a shape; the first dimension is the batch `N` for activations.
///
/// A reference type on purpose: a layer owns its output tensor and rewrites it in place every batch, while the next
/// layer reads it. Growing the batch reallocates; shrinking (a smaller last batch) reuses the storage.
public final class Tensor {
    public private(set) var shape: [Int]
    public private(set) var count: Int
    public private(set) var data: UnsafeMutablePointer<Float>
    private var capacity: Int

    /// A zero-filled tensor.
    public init(shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        self.shape = shape
        count = shape.reduce(1, *)
        capacity = max(count, 1)
        data = .allocate(capacity: capacity)
        data.initialize(repeating: 0, count: capacity)
    }

    /// A tensor holding a copy of `values`.
    public convenience init(shape: [Int], values: [Float]) {
        self.init(shape: shape)
        precondition(values.count == count, "\(values.count) values for shape \(shape)")
        values.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: count) }
    }

    deinit { data.deallocate() }

    /// Changes the shape to another with as many elements, keeping the contents (row-major order is unchanged).
    public func reinterpret(as newShape: [Int]) {
        precondition(newShape.reduce(1, *) == count, "\(shape) cannot be read as \(newShape)")
        shape = newShape
    }

    /// Changes the shape, keeping storage when it is large enough. Contents are unspecified afterwards.
    public func reshape(_ newShape: [Int]) {
        let newCount = newShape.reduce(1, *)
        if newCount > capacity {
            data.deallocate()
            capacity = newCount
            data = .allocate(capacity: capacity)
            data.initialize(repeating: 0, count: capacity)
        }
        shape = newShape
        count = newCount
    }

    /// The batch size `N` (first dimension).
    public var batch: Int { shape[0] }
    /// Elements per sample: `count / N`.
    public var perSample: Int { shape.dropFirst().reduce(1, *) }

    public var buffer: UnsafeMutableBufferPointer<Float> { .init(start: data, count: count) }
    public var array: [Float] { Array(buffer) }

    public func fill(_ value: Float) { data.update(repeating: value, count: count) }
    public func copy(from values: [Float]) {
        precondition(values.count == count, "\(values.count) values for shape \(shape)")
        values.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: count) }
    }
    public func copy(from other: Tensor) {
        precondition(other.count == count, "copy of \(other.shape) into \(shape)")
        data.update(from: other.data, count: count)
    }
}

/// A trainable or persistent array with a stable name; `grad` accumulates `dLoss/dValue`.
public final class Parameter {
    /// Name in the model file, e.g. `conv1.weight`.
    public var name: String
    public let value: Tensor
    public let grad: Tensor
    /// Whether decoupled weight decay applies (weights yes; biases and normalization parameters no).
    public let decays: Bool

    public init(name: String, shape: [Int], decays: Bool) {
        self.name = name
        value = Tensor(shape: shape)
        grad = Tensor(shape: shape)
        self.decays = decays
    }

    public var shape: [Int] { value.shape }
    /// Sets the accumulated gradient to zero; call before each backward pass.
    public func zeroGrad() { grad.fill(0) }
}
