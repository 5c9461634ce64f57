// Drawing, undo, resizing and the prediction scheduler's rules, headless.

import DigitCore
import Foundation
import Synchronization
import XCTest
@testable import DigitPad

final class PadStateTests: XCTestCase {
    func layout() -> PadLayout { PadLayout(width: PadLayout.defaultSize.width, height: PadLayout.defaultSize.height) }

    func draw(_ state: inout PadState, from: (Int, Int), to: (Int, Int)) {
        XCTAssertEqual(state.handlePointer(.press(x: from.0, y: from.1, button: 1)), .drew)
        XCTAssertEqual(state.handlePointer(.motion(x: to.0, y: to.1)), .drew)
        XCTAssertEqual(state.handlePointer(.release(x: to.0, y: to.1, button: 1)), .finished)
    }

    func testStrokesDrawUndoAndClear() {
        var state = PadState(layout: layout())
        XCTAssertTrue(state.canvas.isEmpty)
        draw(&state, from: (100, 100), to: (100, 300))
        let oneStroke = state.canvas
        draw(&state, from: (60, 200), to: (300, 200))
        XCTAssertEqual(state.strokes.count, 2)
        state.undo()
        XCTAssertEqual(state.canvas, oneStroke, "undo gives back the drawing before the last stroke")
        state.clear()
        XCTAssertTrue(state.canvas.isEmpty)
        XCTAssertNil(state.prediction)
    }

    /// The bars show the digit the last stroke was drawn in: the box holding most of its points, and of two boxes
    /// holding all of them (a 6 written over a 0), the smaller.
    func testTheBarsFollowTheDigitTheLastStrokeDrew() throws {
        var state = PadState(layout: layout())
        let digit = { (x: Int, width: Int, label: Int) in
            NumberReading.Digit(reading: DigitReading(probabilities: (0..<10).map { $0 == label ? 0.91 : 0.01 }),
                                bounds: Rect(x: x, y: 50, width: width, height: 200), image: [])
        }
        state.prediction = Prediction(generation: 1, number: NumberReading(digits: [digit(40, 200, 0), digit(150, 80, 6)]))
        let canvas = state.layout.canvas
        // A stroke from inside the 0 alone to the overlap, most of its points in the 0 alone.
        XCTAssertEqual(state.handlePointer(.press(x: canvas.x + 60, y: canvas.y + 100, button: 1)), .drew)
        for x in [70, 80, 90, 160] { _ = state.handlePointer(.motion(x: canvas.x + x, y: canvas.y + 100)) }
        XCTAssertEqual(PadView.focusIndex(state), 0)
        _ = state.handlePointer(.release(x: canvas.x + 160, y: canvas.y + 100, button: 1))
        XCTAssertEqual(PadView.focusIndex(state), 0, "the last stroke, once finished")
        // A stroke within the overlap: both boxes hold it, the 6's is smaller.
        XCTAssertEqual(state.handlePointer(.press(x: canvas.x + 160, y: canvas.y + 80, button: 1)), .drew)
        for y in [120, 160, 200] { _ = state.handlePointer(.motion(x: canvas.x + 170, y: canvas.y + y)) }
        XCTAssertEqual(PadView.focusIndex(state), 1)
        // A stroke outside every digit: the last digit.
        _ = state.handlePointer(.release(x: canvas.x + 170, y: canvas.y + 200, button: 1))
        XCTAssertEqual(state.handlePointer(.press(x: canvas.x + 400, y: canvas.y + 100, button: 1)), .drew)
        XCTAssertEqual(PadView.focusIndex(state), 1)
    }

    func testPressOutsideTheCanvasDrawsNothing() {
        var state = PadState(layout: layout())
        let panel = state.layout.number
        XCTAssertEqual(state.handlePointer(.press(x: panel.x + 5, y: panel.y + 5, button: 1)), .none)
        XCTAssertEqual(state.handlePointer(.motion(x: 100, y: 100)), .none)
        XCTAssertEqual(state.handlePointer(.press(x: 100, y: 100, button: 3)), .none, "only the left button draws")
        XCTAssertTrue(state.canvas.isEmpty)
    }

    func testBrushStaysInRange() {
        var state = PadState(layout: layout())
        for _ in 0..<100 { state.changeBrush(by: 1) }
        XCTAssertEqual(state.brush, PadState.brushRange.upperBound)
        for _ in 0..<100 { state.changeBrush(by: -1) }
        XCTAssertEqual(state.brush, PadState.brushRange.lowerBound)
    }

    func testResizingScalesTheDrawing() {
        var state = PadState(layout: layout())
        draw(&state, from: (50, 50), to: (50, 300))
        let before = state.canvas.pixels.reduce(0, +), old = state.layout.canvas
        XCTAssertTrue(state.relayout(PadLayout(width: 1600, height: 1100)))
        let new = state.layout.canvas
        XCTAssertGreaterThan(new.height, old.height)
        let scale = min(Float(new.width) / Float(old.width), Float(new.height) / Float(old.height))
        let after = state.canvas.pixels.reduce(0, +)
        XCTAssertEqual(after, before * scale * scale, accuracy: before * scale * scale * 0.1,
                       "the drawing keeps its shape, scaled by the smaller ratio")
    }

    func testSchedulerShowsOnlyTheNewestResult() {
        let started = DispatchSemaphore(value: 0), gate = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        let ran = Counter()
        let scheduler = PredictionScheduler<Float, [Float]>(work: { drawing in
            ran.add(Int(drawing))
            if drawing == 1 {  // the first drawing is slow: it is still running while the others arrive
                started.signal()
                gate.wait()
            }
            return [drawing] + [Float](repeating: 0, count: 9)
        }, finished: { done.signal() })
        scheduler.request(1)
        started.wait()
        scheduler.request(2)                                          // waits
        let newest = scheduler.request(3)                             // supersedes 2
        gate.signal()
        done.wait()                                                  // [1] finished: stale, dropped
        done.wait()                                                  // [3] finished
        let result = scheduler.takeResult()
        XCTAssertEqual(result?.generation, newest)
        XCTAssertEqual(result?.output.first, 3)
        XCTAssertEqual(ran.values, [1, 3], "the superseded drawing never ran")
        XCTAssertNil(scheduler.takeResult(), "a result is taken once")
    }

    func testInvalidateDropsResultsOfEarlierDrawings() {
        let done = DispatchSemaphore(value: 0)
        let scheduler = PredictionScheduler<Float, Float>(work: { $0 }, finished: { done.signal() })
        scheduler.request(1)
        done.wait()
        scheduler.invalidate()                                       // the canvas was cleared
        XCTAssertNil(scheduler.takeResult())
    }
}

/// Thread-safe record of which drawings the scheduler ran.
final class Counter: Sendable {
    private let list = Mutex<[Int]>([])
    func add(_ value: Int) { list.withLock { $0.append(value) } }
    var values: [Int] { list.withLock { $0 } }
}
