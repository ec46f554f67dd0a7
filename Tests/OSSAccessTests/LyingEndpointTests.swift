import Foundation
@testable import OSSAccess
import TestSupport
import XCTest

/// The HTTP ClipMeter speaks to endpoints: numbers parsed strictly (no value a server sends can trap), every answer
/// checked against its question, and a real lying server (scripts/lying-http-server.py on 127.0.0.1) whose every
/// lie is a typed error on that object.
final class LyingEndpointTests: XCTestCase {
    // MARK: - Parsing

    func testByteCountsAreDecimalIntegersThatFitIn64BitsAndNothingElse() {
        XCTAssertEqual(HTTPResponseHead.byteCount("0"), 0)
        XCTAssertEqual(HTTPResponseHead.byteCount(" 595584 "), 595_584)
        XCTAssertEqual(HTTPResponseHead.byteCount("9223372036854775807"), Int64.max)
        for text in [
            "", "-1", "+5", "1e3", "0x10", "12 34", "9223372036854775808", "18446744073709551616",
            "99999999999999999999999", "٣", "1.0",
        ] {
            XCTAssertNil(HTTPResponseHead.byteCount(text), text)
        }
    }

    func testContentRangesAreParsedStrictly() {
        XCTAssertEqual(ContentRange("bytes 0-99/100"), ContentRange(first: 0, last: 99, total: 100))
        XCTAssertEqual(ContentRange("bytes 5-9/*"), ContentRange(first: 5, last: 9, total: nil))
        XCTAssertEqual(ContentRange("bytes 0-9223372036854775807/*"), ContentRange(first: 0, last: .max, total: nil))
        for text in [
            "bytes 10-5/100", "bytes 0-100/100", "bytes -5/100", "items 0-1/2", "bytes 0-1", "bytes */100",
            "bytes 0-9223372036854775808/9223372036854775807", "bytes 1-2/3/4", "bytes 0--1/5",
        ] {
            XCTAssertNil(ContentRange(text), text)
        }
    }

    func testAnswerHeadsThatAreNotHTTPOrContradictThemselvesAreRefused() throws {
        func parse(_ text: String) throws -> HTTPResponseHead { try HTTPResponseHead.parse(ArraySlice(Array(text.utf8))) }
        let head = try parse("HTTP/1.1 206 Partial Content\r\nContent-Length: 5\r\nETag: \"x\"\r\nConnection: close")
        XCTAssertEqual(head.status, 206)
        XCTAssertEqual(try head.contentLength(), 5)
        XCTAssertTrue(head.closesConnection)
        XCTAssertTrue(try parse("HTTP/1.0 200 OK\r\nContent-Length: 1").closesConnection)
        XCTAssertFalse(try parse("HTTP/1.1 200 OK\r\nContent-Length: 1").closesConnection)
        for text in [
            "SSH-2.0-OpenSSH_9.2", "HTTP/1.1 2000 Big", "HTTP/2 200", "HTTP/1.1 20x OK", "",
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6", "HTTP/1.1 200 OK\r\n folded: line",
            "HTTP/1.1 200 OK\r\nno colon here",
        ] {
            XCTAssertThrowsError(try parse(text), text)
        }
        XCTAssertThrowsError(try parse("HTTP/1.1 200 OK\r\nContent-Length: -1").contentLength())
    }

    // MARK: - A lying server

    private func liar() throws -> (LyingServer, URL, String) {
        let folder = try TestMedia.temporaryDirectory("clipmeter-liar")
        let object = try TestMedia.file("mkv.mkv")
        try FileManager.default.copyItem(atPath: object, toPath: folder.appendingPathComponent("mkv.mkv").path)
        try FileManager.default.copyItem(
            atPath: try TestMedia.file("ts-offset.ts"), toPath: folder.appendingPathComponent("swap-target").path)
        return (try LyingServer(serving: folder), folder, object)
    }

    private func access(_ server: LyingServer, _ bucket: String) throws -> OSSObjectAccess {
        try OSSObjectAccess(object: OSSObjectURL(bucket: bucket, key: "mkv.mkv"), endpointOverride: server.endpoint, credentials: nil)
    }

    func testEveryHeadThatLiesAboutTheSizeOrIsNoAnswerIsItsOwnErrorNeverATrap() throws {
        let (server, _, object) = try liar()
        defer { server.stop() }
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: object)[.size] as? Int64)
        let honest = try access(server, "honest").head(timeout: 5)
        XCTAssertEqual(try honest.get().size, size)
        XCTAssertFalse(try honest.get().etag.isEmpty)
        let cases: [(String, (OSSAccessError.Reason) -> Bool, String)] = [
            ("huge-length", { if case .implausibleSize(_, Int64.max) = $0 { return true } else { return false } }, "more than any object"),
            ("over-length", { if case .notHTTP = $0 { return true } else { return false } }, "18446744073709551616\" is not a byte count"),
            (
                "negative-length", { if case .notHTTP = $0 { return true } else { return false } },
                "Content-Length \"-1\" is not a byte count"
            ),
            ("no-length", { $0 == .noContentLength(url: "\(server.endpoint)/no-length/mkv.mkv") }, "no Content-Length"),
            ("close", { $0 == .closedWithoutAnswer(url: "\(server.endpoint)/close/mkv.mkv", method: "HEAD") }, "without an answer"),
            ("garbage", { if case .notHTTP = $0 { return true } else { return false } }, "not an HTTP status line"),
        ]
        for (bucket, matches, words) in cases {
            let result = try access(server, bucket).head(timeout: 5)
            guard case .failure(let error) = result else {
                XCTFail("\(bucket): \(result)")
                continue
            }
            XCTAssertTrue(matches(error.reason), "\(bucket): \(error.reason)")
            XCTAssertEqual(error.kind, .io, bucket)
            XCTAssertTrue(error.description.contains(words), "\(bucket): \(error.description)")
            XCTAssertFalse(error.description.contains("cannot reach"), "\(bucket): the endpoint was reached: \(error.description)")
        }
        // Nothing listens: that one is "cannot reach".
        let port = server.port
        server.stop()
        let gone = try XCTUnwrap(
            try OSSObjectAccess(
                object: OSSObjectURL(bucket: "honest", key: "mkv.mkv"),
                endpointOverride: "http://127.0.0.1:\(port)", credentials: nil
            )
            .head(timeout: 5).error)
        XCTAssertEqual(gone.kind, .io)
        XCTAssertTrue(gone.description.hasPrefix("cannot reach http://127.0.0.1:\(port)"), gone.description)
    }

    func testRangeReadsAtRandomOffsetsGiveTheObjectsBytesOverFewConnections() throws {
        let (server, _, object) = try liar()
        defer { server.stop() }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: object))
        let access = try access(server, "honest")
        let head = try access.head(timeout: 5).get()
        let reader = try OSSObjectReader(access: access, head: head, timeLimit: 20)
        var generator = SeededGenerator(seed: 18)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 100_000, alignment: 1)
        defer { buffer.deallocate() }
        var offset: Int64 = 0
        for step in 0..<300 {
            // Mostly in order (as a demuxer reads), now and then a jump forward, back, or to the end.
            switch Int.random(in: 0..<10, using: &generator) {
            case 0: offset = Int64.random(in: 0..<head.size, using: &generator)
            case 1: offset = min(offset + Int64.random(in: 1...70_000, using: &generator), head.size)
            default: break
            }
            let count = Int.random(in: 1...buffer.count, using: &generator)
            let read = try reader.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<count]), at: offset).get()
            XCTAssertEqual(read == 0, offset == head.size, "step \(step): \(read) bytes at \(offset)")
            XCTAssertEqual(Data(buffer[0..<read]), bytes[Int(offset)..<Int(offset) + read], "step \(step) at \(offset)")
            offset = offset + Int64(read) == head.size ? 0 : offset + Int64(read)
        }
        XCTAssertNil(reader.failure)
        XCTAssertLessThan(reader.requestCount, 150, "ranges grow while reads go on in order")
        XCTAssertEqual(try reader.read(into: buffer, at: head.size).get(), 0, "the end of the object reads as the end")
    }

    func testEveryAnswerThatIsNotTheRangeOfTheObjectAskedForIsAnErrorAndStaysOne() throws {
        let (server, _, object) = try liar()
        defer { server.stop() }
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: object)[.size] as? Int64)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 32_768, alignment: 1)
        defer { buffer.deallocate() }
        let cases: [(String, String)] = [
            ("ignore-range", "sent the whole object"), ("range-from-zero", "asked for bytes 100000-"),
            ("range-total", "the read says \(size + 1000)"), ("long-body", "asked for bytes"), ("short-body", "asked for bytes"),
            ("swap", "not the object its HEAD described"), ("changed", "HTTP 412"), ("etag-drift", "drifted"),
            ("close-get", "closed it without an answer"), ("gzip", "encoded as \"gzip\""),
            ("endless-range", "-9223372036854775807/*"),
        ]
        for (bucket, words) in cases {
            let access = try access(server, bucket)
            // The HEAD the reads are checked against: the honest one, as a cache or the bucket's HEAD would give it.
            var head = try self.access(server, "honest").head(timeout: 5).get()
            if bucket == "changed" { head.etag = "v1" }
            let reader = try OSSObjectReader(access: access, head: head, timeLimit: 5)
            let first = reader.read(into: buffer, at: 100_000)
            let error = try XCTUnwrap(first.error, "\(bucket): \(first)")
            XCTAssertEqual(error.kind, .io, bucket)
            XCTAssertTrue(error.description.contains(words), "\(bucket): \(error.description)")
            XCTAssertEqual(reader.read(into: buffer, at: 0).error, error, "\(bucket): a reader that failed stays failed")
        }
        // A stalled body is the time limit, within it.
        let head = try access(server, "honest").head(timeout: 5).get()
        let started = Date()
        let stalled = try OSSObjectReader(access: access(server, "stall-get"), head: head, timeLimit: 1)
        let outcome = stalled.read(into: buffer, at: 0)
        XCTAssertEqual(outcome.error?.kind, .timeout, "\(outcome)")
        XCTAssertLessThan(Date().timeIntervalSince(started), 3)
    }
}

private extension Result {
    var error: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
