import ClipMeterCLI

ClipMeterCommand.runAndExit()
