module example.com/fixtures/timers121

go 1.21
