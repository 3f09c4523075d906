module example.com/fixtures/timersgodebug

go 1.23

godebug default=go1.22
