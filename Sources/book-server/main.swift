import BookServer

await BookServerMain.run()
