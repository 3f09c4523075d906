module example.com/fixtures/timers123

go 1.23
