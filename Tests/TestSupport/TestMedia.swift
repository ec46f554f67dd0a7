import Foundation

/// The generated test corpus (scripts/make-media) and an independent reference for its durations.
public enum TestMedia {
    /// The package root, found from this file's location.
    public static let packageRoot: URL = {
        // realpath: the file may be reached through a symlinked folder (a developer's scratch package).
        var url = URL(fileURLWithPath: realpath(#filePath, nil).map { String(cString: $0) } ?? #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    private static let lock = NSLock()
    nonisolated(unsafe) private static var made: URL?

    /// The corpus folder, generated on first use (a few seconds with ffmpeg; cached in .media-cache/).
    public static func corpus() throws -> URL {
        lock.lock(); defer { lock.unlock() }
        if let made { return made }
        let dir = packageRoot.appendingPathComponent(".media-cache/corpus")
        let result = try run(packageRoot.appendingPathComponent("scripts/make-media").path, [dir.path])
        guard result.status == 0 else { throw TestMediaError("scripts/make-media failed: \(result.stderr)") }
        made = dir
        return dir
    }

    /// One corpus file by name.
    public static func file(_ name: String) throws -> String { try corpus().appendingPathComponent(name).path }

    /// The corpus manifest: (name, kind "valid"|"broken", expected container seconds or nil).
    public static func manifest() throws -> [(name: String, kind: String, expected: Decimal?)] {
        let text = try String(contentsOf: corpus().appendingPathComponent("manifest.tsv"), encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            let f = line.split(separator: "\t").map(String.init)
            guard f.count == 3 else { return nil }
            return (f[0], f[1], f[2] == "-" ? nil : Decimal(string: f[2]))
        }
    }

    /// Per stream index, max(pts + duration) − min(pts) over packets not flagged discard, from ffprobe's
    /// `-show_packets`: the independent reference an exact duration must match.
    public static func packetScan(_ path: String) throws -> [Int: Decimal] {
        let streams = try run(
            "/usr/bin/env",
            [
                "ffprobe", "-v", "error", "-show_entries", "stream=index,time_base",
                "-of", "csv=p=0", path,
            ]
        ).stdout
        var timeBase: [Int: (Int64, Int64)] = [:]
        for line in streams.split(separator: "\n") {
            let f = line.split(separator: ",")
            guard f.count == 2, let i = Int(f[0]) else { continue }
            let tb = f[1].split(separator: "/")
            if tb.count == 2, let n = Int64(tb[0]), let d = Int64(tb[1]) { timeBase[i] = (n, d) }
        }
        let packets = try run(
            "/usr/bin/env",
            [
                "ffprobe", "-v", "error", "-show_entries",
                "packet=stream_index,pts,dts,duration,flags", "-of", "csv=p=0", path,
            ]
        ).stdout
        var lo: [Int: Int64] = [:], hi: [Int: Int64] = [:]
        for line in packets.split(separator: "\n") {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 5, let i = Int(f[0]), !f[4].contains("D") else { continue }
            guard let t = Int64(f[1]) ?? Int64(f[2]) else { continue }
            let d = Int64(f[3]) ?? 0
            lo[i] = min(lo[i] ?? t, t)
            hi[i] = max(hi[i] ?? (t + d), t + d)
        }
        var out: [Int: Decimal] = [:]
        for (i, start) in lo {
            guard let end = hi[i], let (n, d) = timeBase[i] else { continue }
            out[i] = Decimal(end - start) * Decimal(n) / Decimal(d)
        }
        return out
    }

    /// Runs a program and returns its status and output.
    @discardableResult
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        currentDirectory: String? = nil
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let outData = ReadAll(out.fileHandleForReading)
        let errData = ReadAll(err.fileHandleForReading)
        outData.start(); errData.start()
        process.waitUntilExit()
        return (process.terminationStatus, outData.wait(), errData.wait())
    }

    /// The built `clipmeter` executable next to the test bundle.
    public static var clipmeterExecutable: String {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let beside = bundle.appendingPathComponent("clipmeter").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        return packageRoot.appendingPathComponent(".build/debug/clipmeter").path
    }

    /// A fresh temporary folder, removed with every other one this test process made when it exits.
    public static func temporaryDirectory(_ name: String = "clipmeter-test") throws -> URL {
        let url = sessionRoot.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// One folder per test process for every temporary folder: a scan test copies hundreds of MB of media, and
    /// folders left behind by each run filled a developer's disk. Removed at exit (a killed run leaves it, named
    /// by its process id).
    public static let sessionRoot: URL = {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("clipmeter-tests-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: TestMedia.sessionRoot) }
        return root
    }()

    /// Makes a file with ffmpeg's lavfi sources (e.g. a sine of an exact length) into `directory`.
    public static func make(_ name: String, in directory: URL, _ arguments: [String]) throws -> String {
        let path = directory.appendingPathComponent(name).path
        let result = try run("/usr/bin/env", ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y"] + arguments + [path])
        guard result.status == 0 else { throw TestMediaError("ffmpeg failed for \(name): \(result.stderr)") }
        return path
    }
}

public struct TestMediaError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Drains a pipe on a background thread so a chatty child never blocks on a full pipe.
private final class ReadAll: @unchecked Sendable {
    private let handle: FileHandle
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)
    init(_ handle: FileHandle) { self.handle = handle }
    func start() {
        Thread { [self] in
            data = handle.readDataToEndOfFile(); done.signal()
        }.start()
    }
    func wait() -> String { done.wait(); return String(decoding: data, as: UTF8.self) }
}
