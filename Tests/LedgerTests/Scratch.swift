import XCTest
import Ledger
