import Fluent
import SQLKit
import Vapor

/// Liveness and readiness for load balancers and orchestrators.
struct HealthController {
    @Sendable func live(req: Request) -> [String: String] { ["status": "ok"] }

    /// Ready when the database answers.
    @Sendable func ready(req: Request) async throws -> Response {
        do {
            _ = try await (req.db as! any SQLDatabase).raw("SELECT 1").all()
            return try await ["status": "ok", "database": "ok"].encodeResponse(for: req)
        } catch {
            req.logger.warning("readiness check failed: \(String(describing: error))")
            let response = try await ["status": "unavailable", "database": "unreachable"].encodeResponse(for: req)
            response.status = .serviceUnavailable
            return response
        }
    }
}
