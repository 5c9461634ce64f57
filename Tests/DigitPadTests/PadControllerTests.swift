// The pad's behaviour between window events and the recognizer, without a display: requests are throttled while
// drawing and sent at once on release, the readout that reaches the frame is logged once with its latency, keys
// clear, undo and quit.

import DigitCore
import Foundation
import Synchronization
import XCTest
@testable import DigitPad

/// Reads every drawing as a 3 and counts how often it was asked.
final class StubClassifier: DigitClassifying {
    let asked = Atomic(0)
    func probabilities(for image: [Float]) -> [Float] {
        asked.add(1, ordering: .relaxed)
        var p = [Float](repeating: 0.01, count: MNIST.classes)
        p[3] = 0.91
        return p
    }
}

/// Log lines, collected across threads.
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}

final class PadControllerTests: XCTestCase {
    let ms: UInt64 = 1_000_000

    func makeController(_ lines: LogLines, classifier: StubClassifier = StubClassifier()) -> PadController {
        let size = PadLayout.defaultSize
        let scheduler = PadScheduler(work: PadController.recognition(by: classifier), finished: {})
        var log = PredictionLog(enabled: true)
        log.write = { lines.append($0) }
        return PadController(state: PadState(layout: PadLayout(width: size.width, height: size.height)),
                             scheduler: scheduler, log: log)
    }

    /// Runs `update` until the controller adopts a result (the scheduler answers on its own queue).
    func waitForReadout(_ controller: PadController, now: UInt64) {
        for _ in 0..<400 where controller.state.prediction == nil {
            controller.update(now: now)
            if controller.state.prediction == nil { usleep(5_000) }
        }
    }

    func testAStrokeIsReadLoggedOnceAndCleared() throws {
        let lines = LogLines()
        let controller = makeController(lines)
        XCTAssertNotNil(controller.takeFrame(), "the first frame is due at once")
        XCTAssertNil(controller.takeFrame(), "and only once")
        XCTAssertTrue(controller.handle(.press(x: 200, y: 100, button: 1), now: 0))
        XCTAssertTrue(controller.handle(.motion(x: 200, y: 300), now: 10 * ms))
        XCTAssertEqual(controller.waitMilliseconds(now: 10 * ms), 0, "the stroke needs a frame")
        _ = controller.takeFrame()
        XCTAssertEqual(controller.waitMilliseconds(now: 10 * ms), 40, "the throttled request is due 50 ms after 0")
        XCTAssertTrue(controller.handle(.release(x: 200, y: 300, button: 1), now: 20 * ms))
        waitForReadout(controller, now: 21 * ms)
        XCTAssertEqual(controller.state.prediction?.digit, 3)
        XCTAssertNotNil(controller.takeFrame())
        controller.presented(now: 25 * ms)
        controller.presented(now: 26 * ms)
        let predictions = lines.all.filter { $0.contains(#""event":"prediction""#) }
        XCTAssertEqual(predictions.count, 1, "each shown readout is logged once")
        XCTAssertTrue(predictions[0].contains(#""digit":3,"confidence":0.9100"#), predictions[0])
        XCTAssertTrue(predictions[0].contains(#""latency_ms":5.00"#), "from the release at 20 ms to 25 ms")

        XCTAssertTrue(controller.handle(.key(keysym: 0x63, modifiers: 0), now: 30 * ms))  // c
        XCTAssertTrue(controller.state.canvas.isEmpty)
        XCTAssertNil(controller.state.prediction)
        XCTAssertEqual(lines.all.last, #"{"event":"clear"}"#)
        XCTAssertFalse(controller.handle(.key(keysym: 0x71, modifiers: 0), now: 40 * ms), "q quits")
        XCTAssertFalse(controller.handle(.close, now: 40 * ms), "closing the window quits")
    }

    func testDrawingIsThrottledAndUndoOfTheOnlyStrokeForgetsTheReading() {
        let lines = LogLines(), classifier = StubClassifier()
        let controller = makeController(lines, classifier: classifier)
        _ = controller.handle(.press(x: 100, y: 100, button: 1), now: 0)
        controller.update(now: 0)
        for step in 1...20 {
            _ = controller.handle(.motion(x: 100 + step, y: 100 + 5 * step), now: UInt64(step) * ms)
            controller.update(now: UInt64(step) * ms)
        }
        XCTAssertNil(controller.state.prediction, "no request within the first 50 ms of drawing")
        _ = controller.handle(.motion(x: 130, y: 220), now: 60 * ms)
        controller.update(now: 60 * ms)
        _ = controller.handle(.release(x: 130, y: 220, button: 1), now: 61 * ms)
        waitForReadout(controller, now: 62 * ms)
        XCTAssertNotNil(controller.state.prediction)
        XCTAssertLessThanOrEqual(classifier.asked.load(ordering: .relaxed), 2,
                                 "one throttled request while drawing and one on release, at most")
        XCTAssertGreaterThanOrEqual(classifier.asked.load(ordering: .relaxed), 1)
        XCTAssertTrue(controller.handle(.key(keysym: 0x75, modifiers: 0), now: 30 * ms))  // u
        XCTAssertTrue(controller.state.canvas.isEmpty)
        XCTAssertNil(controller.state.prediction, "nothing left to read")
        XCTAssertEqual(lines.all.last, #"{"event":"undo"}"#)
    }

    func testThePredictionLogWritesOneJSONObjectPerLine() throws {
        let lines = LogLines()
        var log = PredictionLog(enabled: true)
        log.write = { lines.append($0) }
        var p = [Float](repeating: 0, count: MNIST.classes)
        p[7] = 1
        let digit = NumberReading.Digit(reading: DigitReading(probabilities: p),
                                        bounds: Rect(x: 0, y: 0, width: 10, height: 10), image: [])
        log.prediction(Prediction(generation: 1, number: NumberReading(digits: [digit])), milliseconds: 1.25)
        log.event("clear")
        let silent = PredictionLog(enabled: false, write: { lines.append($0) })
        silent.event("clear")
        XCTAssertEqual(lines.all.count, 2, "a disabled log writes nothing")
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines.all[0].utf8)) as? [String: Any])
        XCTAssertEqual(object["event"] as? String, "prediction")
        XCTAssertEqual(object["digit"] as? Int, 7)
        XCTAssertEqual(object["confidence"] as? Double, 1)
        XCTAssertEqual((object["probabilities"] as? [Double])?.count, MNIST.classes)
        XCTAssertEqual(object["latency_ms"] as? Double, 1.25)
        XCTAssertEqual(object["number"] as? String, "7")
        XCTAssertEqual((object["digits"] as? [[String: Any]])?.first?["status"] as? String, "digit")
        XCTAssertEqual(lines.all[1], #"{"event":"clear"}"#)
    }
}
