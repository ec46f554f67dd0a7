import Foundation
import MediaProbe

/// Turns probe outcomes into the `probe` output of docs/contract.md: JSON objects, CSV rows and table lines.
public struct ProbeReport: Sendable {
    public var policy: DurationPolicy

    public init(policy: DurationPolicy) {
        self.policy = policy
    }

    /// One element of `probe --format json` (and one NDJSON line).
    public func json(_ outcome: ProbeOutcome) -> JSONValue {
        switch outcome.result {
        case .failure(let error):
            return .object([
                ("path", .string(outcome.path)), ("size", sizeOf(outcome.path).map { .number($0) } ?? .null),
                ("container", .null), ("duration", .null), ("durationSource", .null), ("containerDuration", .null),
                ("streams", .array([])), ("warnings", .array([])),
                ("error", .object([("code", .string(error.code.rawValue)), ("message", .string(Wording.text(error)))])),
            ])
        case .success(let facts):
            return .object([
                ("path", .string(facts.path)), ("size", .number(facts.size)), ("container", .string(facts.container)),
                ("duration", .number(facts.duration(policy: policy))),
                ("durationSource", .string(facts.durationSource.rawValue)),
                ("containerDuration", .number(facts.containerDuration)),
                ("containerDurationMethod", .string(facts.containerDurationMethod)),
                ("startTime", .number(facts.startTime)),
                ("bytesRead", facts.bytesRead.map { .number($0) } ?? .null),
                ("streamInfo", facts.streamInfo.map { .string($0.rawValue) } ?? .null),
                ("mode", .string(facts.mode.rawValue)),
                ("durationPolicy", .string(policy.rawValue)),
                ("streams", .array(facts.streams.map(streamJSON))),
                ("warnings", .array(facts.warnings.map { .string(Wording.text($0)) })),
                ("error", .null),
            ])
        }
    }

    private func streamJSON(_ s: StreamFacts) -> JSONValue {
        var members: [(String, JSONValue)] = [
            // Cover art is reported as what it is, an image, so no reader takes it for a video track.
            ("index", .number(s.index)), ("type", .string(s.isAttachedPicture ? "image" : s.type.rawValue)), ("codec", .string(s.codec)),
            ("duration", .number(s.duration)),
        ]
        switch s.type {
        case .video:
            members += [
                ("width", .number(s.width)), ("height", .number(s.height)),
                ("rotation", s.rotation.map { .number(Decimal($0), scale: 2) } ?? .null),
                ("frameRate", .string(s.frameRate)),
            ]
            if s.isAttachedPicture { members.append(("attachedPicture", .bool(true))) }
        case .audio:
            members += [("sampleRate", .number(s.sampleRate)), ("channels", .number(s.channels))]
        default:
            break
        }
        return .object(members)
    }

    public static let csvHeader =
        "path,size,container,duration,durationSource,containerDuration,videoCodec,width,height,rotation,audioCodec,sampleRate,channels,streams,warnings,errorCode,errorMessage"

    /// One CSV row (RFC 4180 quoting).
    public func csv(_ outcome: ProbeOutcome) -> String {
        var fields: [String]
        switch outcome.result {
        case .failure(let error):
            fields = [
                outcome.path, sizeOf(outcome.path).map(String.init) ?? "", "", "", "", "", "", "", "", "", "", "", "", "0", "",
                error.code.rawValue, Wording.text(error),
            ]
        case .success(let f):
            let video = f.contentStreams.first { $0.type == .video }
            let audio = f.contentStreams.first { $0.type == .audio }
            fields = [
                f.path, String(f.size), f.container, text(f.duration(policy: policy)), f.durationSource.rawValue,
                text(f.containerDuration), video?.codec ?? "", video?.width.map(String.init) ?? "",
                video?.height.map(String.init) ?? "", video?.rotation.map { String(Int($0)) } ?? "",
                audio?.codec ?? "", audio?.sampleRate.map(String.init) ?? "", audio?.channels.map(String.init) ?? "",
                String(f.streams.count), f.warnings.map(Wording.text).joined(separator: " | "), "", "",
            ]
        }
        return CSV.row(fields)
    }

    /// One line of the human table.
    public func tableRow(_ outcome: ProbeOutcome) -> [String] {
        switch outcome.result {
        case .failure(let error):
            return [outcome.path, "error", "", "", "\(error.code.rawValue): \(Wording.text(error))"]
        case .success(let f):
            let streams = f.streams.map { s -> String in
                var t = "\(s.type.rawValue.prefix(1)):\(s.codec)"
                if let d = s.duration { t += " \(DecimalText.plain(d, scale: 3))s" }
                return t
            }.joined(separator: " ")
            let dims = f.videoDisplaySize.map { "\($0.width)x\($0.height)" } ?? "audio"
            return [
                f.path, text(f.duration(policy: policy), scale: 3), f.durationSource.rawValue, dims,
                streams + (f.warnings.isEmpty ? "" : "  ⚠ " + f.warnings.map(Wording.text).joined(separator: "; ")),
            ]
        }
    }

    public static let tableHeader = ["PATH", "DURATION(s)", "SOURCE", "SIZE", "STREAMS / NOTES"]

    private func text(_ value: Decimal?, scale: Int = 6) -> String { value.map { DecimalText.plain($0, scale: scale) } ?? "" }

    private func sizeOf(_ path: String) -> Int64? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value
    }
}
