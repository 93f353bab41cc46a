module example.com/emulatorrecipe

go 1.21
