import ClipMeterCLI

ClipMeterCommand.main()
