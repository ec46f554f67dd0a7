import Foundation
import TestSupport
import XCTest

/// What a pod of the Kubernetes scan Job relies on: a log that stays one line however many jobs the shard holds,
/// with the full bill in the ledger, and a missing CA for `sslmode=verify-full` that says what to mount.
final class DeploymentCommandTests: XCTestCase {
    func testScanSummaryIsOneLineOfTheFullBillsCountsAndTotal() throws {
        let tree = try ScanCommandTests.tree(files: 6)
        try Data("not a video".utf8).write(to: tree.appendingPathComponent("d0/zz-broken.mp4"))
        let full = try CLI.run(["scan", "--feature", "video-editing", "--no-ledger", "--format", "json", tree.path])
        let summary = try CLI.run(["scan", "--feature", "video-editing", "--no-ledger", "--summary", tree.path])
        XCTAssertEqual(full.status, 1, "one file could not be measured")
        XCTAssertEqual(summary.status, full.status, "the summary changes what is printed, not the exit status")
        XCTAssertEqual(summary.stdout.split(separator: "\n").count, 1, summary.stdout)
        XCTAssertTrue(summary.stderr.contains("zz-broken.mp4"), "the failures still name their files on stderr: \(summary.stderr)")

        let bill = try XCTUnwrap(try full.json() as? [String: Any])
        let line = try XCTUnwrap(try summary.json() as? [String: Any])
        XCTAssertEqual(line.string("type"), "summary")
        XCTAssertEqual(line.string("total"), bill.string("total"))
        XCTAssertEqual(line.string("currency"), bill.string("currency"))
        XCTAssertEqual(line["jobs"] as? Int, bill.objects("jobs").count)
        XCTAssertEqual(line["jobs"] as? Int, 6)
        XCTAssertEqual(line["cycles"] as? Int, bill.objects("cycles").count)
        XCTAssertEqual(line["failures"] as? Int, 1)
        XCTAssertNotNil(line.string("firstCycleStart"))
        XCTAssertFalse(summary.stdout.contains("clip00000"), "no job is listed in the summary")
    }

    func testScanSummaryLeavesTheFullBillInTheLedger() throws {
        let tree = try ScanCommandTests.tree(files: 4)
        let ledger = try TestMedia.temporaryDirectory("clipmeter-summary-ledger").appendingPathComponent("ledger.sqlite").path
        let summary = try CLI.run(["scan", "--feature", "video-editing", "--ledger", ledger, "--summary", tree.path])
        XCTAssertEqual(summary.status, 0, summary.stderr)
        let line = try XCTUnwrap(try summary.json() as? [String: Any])
        let bill = try CLI.run(["bill", "--ledger", ledger, "--format", "json"])
        XCTAssertEqual(bill.status, 0, bill.stderr)
        let recorded = try XCTUnwrap(try bill.json() as? [String: Any])
        XCTAssertEqual(recorded.objects("jobs").count, 4, "every job of the summarised scan is in the ledger")
        XCTAssertEqual(recorded.string("total"), line.string("total"))
    }

    /// libpq asks for TLS, the peer on 127.0.0.1 agrees ('S', as a PostgreSQL server with ssl=on does), and libpq
    /// then looks for the CA file it was told to verify the server with.
    func testVerifyFullWithoutTheCAFileSaysWhatToMount() throws {
        let peer = try TLSAcceptingPeer()
        defer { peer.close() }
        let missing = try TestMedia.temporaryDirectory("clipmeter-no-ca").appendingPathComponent("ca.crt").path
        let url = "postgres://scanner@127.0.0.1:\(peer.port)/billing?sslmode=verify-full&connect_timeout=5"
        for (arguments, environment) in [
            (["bill", "--ledger", url + "&sslrootcert=" + missing, "--summary"], [String: String]()),
            (["bill", "--ledger", url, "--summary"], ["PGSSLROOTCERT": missing]),
        ] {
            let result = try CLI.run(arguments, environment: environment)
            XCTAssertEqual(result.status, 2, result.stderr)
            XCTAssertTrue(result.stderr.contains(missing), "libpq's own words name the file: \(result.stderr)")
            XCTAssertTrue(result.stderr.contains("PGSSLROOTCERT"), result.stderr)
            XCTAssertTrue(result.stderr.contains("ConfigMap clipmeter-ledger-ca"), result.stderr)
            XCTAssertFalse(result.stderr.contains("Check the server, the role"), "not the generic advice: \(result.stderr)")
        }
    }
}

/// A TCP listener on 127.0.0.1 that answers every connection's first message (libpq's SSLRequest) with 'S'
/// and then waits for the client to hang up: the part of a TLS-enabled PostgreSQL server that comes before
/// any certificate is needed.
private final class TLSAcceptingPeer: @unchecked Sendable {
    let port: UInt16
    private let listener: Int32
    private let thread: Thread

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 8) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { Glibc.close(fd); throw POSIXError(.EADDRNOTAVAIL) }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        thread = Thread {
            while true {
                let client = accept(fd, nil, nil)
                guard client >= 0 else { return }
                var request = [UInt8](repeating: 0, count: 8)
                if read(client, &request, 8) == 8 {
                    _ = write(client, "S", 1)
                    var rest = [UInt8](repeating: 0, count: 4096)
                    while read(client, &rest, rest.count) > 0 {}
                }
                Glibc.close(client)
            }
        }
        thread.start()
    }

    func close() {
        shutdown(listener, Int32(SHUT_RDWR))
        Glibc.close(listener)
    }
}
