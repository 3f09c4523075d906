module example.com/samples/fmt-boxing

go 1.21
