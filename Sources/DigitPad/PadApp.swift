// The pad's main loop: window events to the controller, its frames to the window.

import DigitCore
import Foundation

/// How the pad starts.
public struct PadOptions: Sendable {
    /// Shown in the window's title, e.g. the model's name and accuracy.
    public var modelDescription: String
    /// Print one JSON line per shown prediction (and per clear or undo) to stdout.
    public var logPredictions: Bool
    /// Brush radius in canvas pixels.
    public var brushRadius: Float

    public init(modelDescription: String, logPredictions: Bool = false, brushRadius: Float = PadState.defaultBrush) {
        self.modelDescription = modelDescription
        self.logPredictions = logPredictions
        self.brushRadius = brushRadius
    }
}

public enum DigitPadApp {
    /// Opens the window and runs until the person quits or closes it. Throws when there is no display.
    public static func run(classifier: DigitClassifying, options: PadOptions) throws {
        let size = PadLayout.defaultSize
        let window = try PadWindow(width: size.width, height: size.height, minimumWidth: PadLayout.minimumSize.width,
                                   minimumHeight: PadLayout.minimumSize.height,
                                   title: "digits — draw a digit (\(options.modelDescription))")
        let waker = window.waker
        let scheduler = PadScheduler(work: PadController.recognition(by: classifier),
                                            finished: { waker.wake() })
        let controller = PadController(
            state: PadState(layout: PadLayout(width: size.width, height: size.height), brush: options.brushRadius),
            scheduler: scheduler, log: PredictionLog(enabled: options.logPredictions))
        func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

        while true {
            var event = try window.nextEvent(timeoutMilliseconds: controller.waitMilliseconds(now: now()))
            while let current = event {
                guard controller.handle(current, now: now()) else { return }
                event = try window.nextEvent(timeoutMilliseconds: 0)
            }
            controller.update(now: now())
            if let frame = controller.takeFrame() {
                window.present(frame)
                controller.presented(now: now())
            }
        }
    }
}
