import BookServer
try await BookServerMain.run()
