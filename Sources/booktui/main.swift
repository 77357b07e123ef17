// The `booktui` command: argument parsing only; everything else is in BookTUI and BookClient.
BooktuiCommand.main()
