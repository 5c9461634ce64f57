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
    /// Where labelled drawings go and what learning starts from; nil to neither save nor learn.
    public var personal: PersonalSetup?

    public init(modelDescription: String, logPredictions: Bool = false, brushRadius: Float = PadState.defaultBrush,
                personal: PersonalSetup? = nil) {
        self.modelDescription = modelDescription
        self.logPredictions = logPredictions
        self.brushRadius = brushRadius
        self.personal = personal
    }
}

public enum DigitPadApp {
    /// Opens the window and runs until the person quits or closes it. Throws when there is no display.
    /// - Parameters:
    ///   - classifier: reads digits (the shipped model, or `--model`).
    ///   - personalClassifier: the person's learned model, which then reads first.
    public static func run(classifier: DigitClassifying, personalClassifier: DigitClassifying? = nil,
                           options: PadOptions) throws {
        let size = PadLayout.defaultSize
        let window = try PadWindow(width: size.width, height: size.height, minimumWidth: PadLayout.minimumSize.width,
                                   minimumHeight: PadLayout.minimumSize.height,
                                   title: "digits — draw a digit (\(options.modelDescription))")
        let waker = window.waker
        let personal = options.personal.map {
            PersonalHand(setup: $0, shipped: classifier, personal: personalClassifier, wake: { waker.wake() })
        }
        let scheduler = PadScheduler(work: PadController.recognition(by: personal ?? classifier),
                                     finished: { waker.wake() })
        var state = PadState(layout: PadLayout(width: size.width, height: size.height), brush: options.brushRadius)
        if personal?.usesPersonalModel == true { state.notice = "READING WITH YOUR MODEL (M: SHIPPED)" }
        let controller = PadController(state: state, scheduler: scheduler,
                                       log: PredictionLog(enabled: options.logPredictions), personal: personal)
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
