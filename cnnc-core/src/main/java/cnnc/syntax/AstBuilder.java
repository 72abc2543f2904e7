package cnnc.syntax;

import cnnc.ast.Activation;
import cnnc.ast.Extent;
import cnnc.ast.IntArg;
import cnnc.ast.OptimizerKind;
import cnnc.ast.Padding;
import cnnc.ast.PoolKind;
import cnnc.ast.Program;
import cnnc.ast.RealArg;
import cnnc.ast.ScheduleKind;
import cnnc.ast.Statement;
import cnnc.diag.Diagnostics;
import cnnc.diag.SourceFile;
import cnnc.diag.Span;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.ErrorNode;
import org.antlr.v4.runtime.tree.ParseTree;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * Parse tree to AST records. Numbers are converted here: a real where a whole number is wanted,
 * or a number beyond the int range, is reported and the statement becomes {@link Statement.Broken}.
 */
final class AstBuilder {
    private static final BigInteger INT_MAX = BigInteger.valueOf(Integer.MAX_VALUE);

    /** Thrown inside the builder only, to abandon one statement that was already reported or is incomplete. */
    private static final class BrokenStatement extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BrokenStatement() {
            super(null, null, false, false);
        }
    }

    private final SourceFile source;
    private final Diagnostics diagnostics;
    private final Offsets offsets;

    AstBuilder(SourceFile source, Diagnostics diagnostics, Offsets offsets) {
        this.source = source;
        this.diagnostics = diagnostics;
        this.offsets = offsets;
    }

    /**
     * One statement per stretch between separators. A stretch with a syntax error anywhere in it
     * (already reported) becomes {@link Statement.Broken}, even when a statement could be read
     * from its start: the rest of the line may have been meant to change its shape.
     */
    Program build(CnnParser.ProgramContext tree) {
        var statements = new ArrayList<Statement>();
        var stretch = new ArrayList<ParseTree>();
        if (tree.children != null) {
            for (ParseTree child : tree.children) {
                if (child instanceof CnnParser.SepContext
                        || child instanceof TerminalNode t && !(t instanceof ErrorNode) && t.getSymbol().getType() == Token.EOF) {
                    addStatement(stretch, statements);
                    stretch.clear();
                } else {
                    stretch.add(child);
                }
            }
        }
        addStatement(stretch, statements);
        return new Program(source, statements);
    }

    private void addStatement(List<ParseTree> stretch, List<Statement> statements) {
        CnnParser.StatementContext statement = null;
        boolean broken = false;
        Token first = null;
        Token last = null;
        for (ParseTree part : stretch) {
            if (part instanceof CnnParser.LineContext line && line.statement() != null) {
                statement = line.statement();
            }
            broken |= hasSyntaxError(part);
            for (Token t : ends(part)) {
                if (t != null && t.getStartIndex() >= 0 && t.getType() != Token.EOF) {
                    first = first == null ? t : first;
                    last = t;
                }
            }
        }
        if (broken) {
            if (first != null) {
                statements.add(new Statement.Broken(span(first, last)));
            }
        } else if (statement != null) {
            try {
                statements.add(statement(statement));
            } catch (BrokenStatement e) {
                statements.add(new Statement.Broken(span(statement)));
            }
        }
    }

    /** The first and last token of a part of a stretch (none for an empty line; either may be null). */
    private static Token[] ends(ParseTree part) {
        if (part instanceof TerminalNode node) {
            return new Token[] {node.getSymbol()};
        }
        if (part instanceof ParserRuleContext ctx && ctx.getChildCount() > 0) {
            return new Token[] {ctx.getStart(), ctx.getStop()};
        }
        return new Token[0];
    }

    private static boolean hasSyntaxError(ParseTree tree) {
        if (tree instanceof ErrorNode) {
            return true;
        }
        if (tree instanceof ParserRuleContext ctx) {
            if (ctx.exception != null) {
                return true;
            }
            for (int i = 0; i < ctx.getChildCount(); i++) {
                if (hasSyntaxError(ctx.getChild(i))) {
                    return true;
                }
            }
        }
        return false;
    }

    private Statement statement(CnnParser.StatementContext ctx) {
        if (ctx.exception != null) {
            throw new BrokenStatement();
        }
        if (ctx.inputStmt() != null) {
            return input(ctx.inputStmt());
        } else if (ctx.convStmt() != null) {
            return conv(ctx.convStmt());
        } else if (ctx.poolStmt() != null) {
            return pool(ctx.poolStmt());
        } else if (ctx.padStmt() != null) {
            return new Statement.Pad(span(ctx), extent(require(ctx.padStmt().dims()), "padding"));
        } else if (ctx.batchnormStmt() != null) {
            return batchNorm(ctx.batchnormStmt());
        } else if (ctx.flattenStmt() != null) {
            return new Statement.Flatten(span(ctx));
        } else if (ctx.denseStmt() != null) {
            return dense(ctx.denseStmt());
        } else if (ctx.dropoutStmt() != null) {
            return new Statement.Dropout(span(ctx), real(ctx.dropoutStmt().number()));
        } else if (ctx.activationStmt() != null) {
            CnnParser.ActivationContext act = ctx.activationStmt().activation();
            return new Statement.ActivationLayer(span(ctx), activation(act), activationAlpha(act));
        } else if (ctx.optimizerStmt() != null) {
            return optimizer(ctx.optimizerStmt());
        } else if (ctx.epochsStmt() != null) {
            return new Statement.Epochs(span(ctx), whole(ctx.epochsStmt().number(), "the number of epochs"));
        } else if (ctx.batchStmt() != null) {
            return new Statement.Batch(span(ctx), whole(ctx.batchStmt().number(), "the batch size"));
        } else if (ctx.seedStmt() != null) {
            return new Statement.Seed(span(ctx), whole(ctx.seedStmt().number(), "the seed"));
        } else if (ctx.positiveStmt() != null) {
            return new Statement.Positive(span(ctx), whole(ctx.positiveStmt().number(), "the positive class"));
        } else if (ctx.validationStmt() != null) {
            return new Statement.ValidationSplit(span(ctx), real(require(ctx.validationStmt().number())));
        } else if (ctx.patienceStmt() != null) {
            return new Statement.Patience(span(ctx), whole(require(ctx.patienceStmt().number()), "the patience"));
        } else if (ctx.scheduleStmt() != null) {
            return schedule(ctx.scheduleStmt());
        }
        throw new BrokenStatement();
    }

    private Statement input(CnnParser.InputStmtContext ctx) {
        Span sizeSpan = span(require(ctx.dims()));
        int[] dims = dims(ctx.dims(), "input size");
        return switch (dims.length) {
            case 1 -> new Statement.Input(span(ctx), 1, 1, dims[0], true, sizeSpan);
            case 2 -> new Statement.Input(span(ctx), dims[0], dims[1], 1, false, sizeSpan);
            case 3 -> new Statement.Input(span(ctx), dims[0], dims[1], dims[2], false, sizeSpan);
            default -> {
                diagnostics.add(cnnc.diag.Diagnostic.error(sizeSpan,
                        "`input` takes HxWxC (e.g. 28x28x1), HxW or N, not " + dims.length + " sizes")
                        .withHelp("write the input as height x width x channels, as Keras' input_shape=(28, 28, 1)"));
                throw new BrokenStatement();
            }
        };
    }

    private Statement conv(CnnParser.ConvStmtContext ctx) {
        IntArg filters = whole(require(ctx.number()), "the number of filters");
        Extent kernel = extent(require(ctx.dims()), "kernel size");
        var w = new WeightedOptions("conv");
        Optional<IntArg> stride = Optional.empty();
        Optional<Padding> padding = Optional.empty();
        for (CnnParser.ConvOptionContext option : ctx.convOption()) {
            if (option instanceof CnnParser.StrideOptionContext s) {
                w.options.once("stride", s);
                stride = Optional.of(whole(require(s.number()), "the stride"));
            } else if (option instanceof CnnParser.PadOptionContext p) {
                w.options.once("pad", p);
                if (p.SAME() != null) {
                    padding = Optional.of(new Padding.Same(span(p)));
                } else if (p.VALID() != null) {
                    padding = Optional.of(new Padding.Valid(span(p)));
                } else {
                    IntArg amount = whole(require(p.number()), "the padding");
                    padding = Optional.of(new Padding.Explicit(amount.value(), amount.span()));
                }
            } else if (option instanceof CnnParser.ConvWeightOptionContext o) {
                w.add(o.weightOption());
            }
        }
        w.options.throwIfBroken();
        return new Statement.Conv(span(ctx), filters, kernel, stride, padding, w.act, w.l1, w.l2, w.frozen, w.bias, w.alpha);
    }

    private Statement pool(CnnParser.PoolStmtContext ctx) {
        PoolKind kind = ctx.poolKind() == null || ctx.poolKind().MAX() != null ? PoolKind.MAX : PoolKind.AVG;
        if (ctx.GLOBAL() != null) {
            return new Statement.GlobalPool(span(ctx), kind);
        }
        Extent window = extent(require(ctx.dims()), "pool size");
        var options = new OptionSet("pool");
        Optional<IntArg> stride = Optional.empty();
        for (CnnParser.PoolOptionContext option : ctx.poolOption()) {
            options.once("stride", option);
            stride = Optional.of(whole(require(option.number()), "the stride"));
        }
        options.throwIfBroken();
        return new Statement.Pool(span(ctx), kind, window, stride);
    }

    private Statement batchNorm(CnnParser.BatchnormStmtContext ctx) {
        var options = new OptionSet("batchnorm");
        Optional<RealArg> momentum = Optional.empty();
        Optional<RealArg> epsilon = Optional.empty();
        boolean frozen = false;
        for (CnnParser.BatchnormOptionContext option : ctx.batchnormOption()) {
            if (option instanceof CnnParser.BatchnormValueContext v) {
                options.once(v.getStart().getText(), v);
                RealArg value = real(require(v.number()));
                if (v.MOMENTUM() != null) {
                    momentum = Optional.of(value);
                } else {
                    epsilon = Optional.of(value);
                }
            } else {
                options.once("freeze", option);
                frozen = true;
            }
        }
        options.throwIfBroken();
        return new Statement.BatchNorm(span(ctx), momentum, epsilon, frozen);
    }

    private Statement dense(CnnParser.DenseStmtContext ctx) {
        IntArg units = whole(require(ctx.number()), "the number of units");
        var w = new WeightedOptions("dense");
        ctx.weightOption().forEach(w::add);
        w.options.throwIfBroken();
        return new Statement.Dense(span(ctx), units, w.act, w.l1, w.l2, w.frozen, w.bias, w.alpha);
    }

    /**
     * The options conv and dense share, as a statement's option list sets them: its activation,
     * regularizers, nobias and freeze, each at most once (regularizers by {@link #regularizer}).
     */
    private final class WeightedOptions {
        final OptionSet options;
        Optional<Activation> act = Optional.empty();
        Optional<RealArg> alpha = Optional.empty();
        Optional<RealArg> l1 = Optional.empty();
        Optional<RealArg> l2 = Optional.empty();
        boolean frozen = false;
        boolean bias = true;

        WeightedOptions(String statement) {
            options = new OptionSet(statement);
        }

        /** Sets what {@code option} says, each kind at most once (regularizers by {@link #regularizer}). */
        void add(CnnParser.WeightOptionContext option) {
            if (option instanceof CnnParser.WeightActivationContext a) {
                options.once("activation", a);
                act = Optional.of(AstBuilder.this.activation(a.activation()));
                alpha = activationAlpha(a.activation());
            } else if (option instanceof CnnParser.WeightRegularizerContext r) {
                RealArg value = AstBuilder.this.regularizer(r.regularizer(), options);
                if (r.regularizer().L1() != null) {
                    l1 = Optional.of(value);
                } else {
                    l2 = Optional.of(value);
                }
            } else if (option instanceof CnnParser.WeightNoBiasContext b) {
                options.once("nobias", b);
                bias = false;
            } else if (option instanceof CnnParser.WeightFreezeContext f) {
                options.once("freeze", f);
                frozen = true;
            }
        }
    }

    private RealArg regularizer(CnnParser.RegularizerContext r, OptionSet options) {
        options.once(r.L1() != null ? "l1" : "l2", r);
        return real(require(r.number()));
    }

    private Statement optimizer(CnnParser.OptimizerStmtContext ctx) {
        CnnParser.OptimizerNameContext name = require(ctx.optimizerName());
        OptimizerKind kind = name.SGD() != null ? OptimizerKind.SGD
                : name.RMSPROP() != null ? OptimizerKind.RMSPROP : OptimizerKind.ADAM;
        var values = keywordOptions("optimizer", ctx.optimizerOption(), CnnParser.OptimizerOptionContext::number);
        return new Statement.Optimizer(span(ctx), kind, values);
    }

    private Statement schedule(CnnParser.ScheduleStmtContext ctx) {
        ScheduleKind kind = ScheduleKind.of(require(ctx.scheduleName()).getStart().getText());
        var values = keywordOptions("schedule", ctx.scheduleOption(), CnnParser.ScheduleOptionContext::number);
        return new Statement.Schedule(span(ctx), kind, values);
    }

    /** Options written as `keyword number` ({@code lr 0.001}, {@code every 10}), each at most once, by keyword. */
    private <C extends ParserRuleContext> LinkedHashMap<String, RealArg> keywordOptions(String statement, List<C> given,
            Function<C, CnnParser.NumberContext> number) {
        var options = new OptionSet(statement);
        var values = new LinkedHashMap<String, RealArg>();
        for (C option : given) {
            String key = option.getStart().getText();
            options.once(key, option);
            values.put(key, real(require(number.apply(option))));
        }
        options.throwIfBroken();
        return values;
    }

    private Activation activation(CnnParser.ActivationContext ctx) {
        require(ctx);
        return Activation.valueOf(ctx.getStart().getText().toUpperCase(Locale.ROOT));
    }

    /** The slope after {@code leakyrelu} or the alpha after {@code elu}, if written. */
    private Optional<RealArg> activationAlpha(CnnParser.ActivationContext ctx) {
        return ctx.number() == null ? Optional.empty() : Optional.of(real(ctx.number()));
    }

    /** Reports an option given twice; the statement is still built so later checks run. */
    private final class OptionSet {
        private final String statement;
        private final java.util.Map<String, Span> seen = new java.util.HashMap<>();
        private boolean broken;

        OptionSet(String statement) {
            this.statement = statement;
        }

        void once(String option, ParserRuleContext ctx) {
            Span here = span(ctx);
            Span first = seen.putIfAbsent(option, here);
            if (first != null) {
                String what = option.equals("activation") ? "an activation" : "`" + option + "`";
                diagnostics.add(cnnc.diag.Diagnostic.error(here, "`" + statement + "` has " + what + " twice")
                        .withNote("first given at " + first.position() + " as `" + source.textOf(first) + "`")
                        .withHelp("remove one of them"));
                broken = true;
            }
        }

        void throwIfBroken() {
            if (broken) {
                throw new BrokenStatement();
            }
        }
    }

    // ---- numbers -------------------------------------------------------------------------

    private IntArg whole(CnnParser.NumberContext ctx, String what) {
        Token digits = numberToken(ctx);
        Span span = span(ctx);
        boolean negative = ctx.MINUS() != null;
        if (digits.getType() == CnnLexer.REAL) {
            diagnostics.add(cnnc.diag.Diagnostic.error(span, what + " must be a whole number, not " + ctx.getText()));
            throw new BrokenStatement();
        }
        // Leading zeros aside, more than ten digits is too large: no BigInteger of a megabyte (seconds).
        String text = digits.getText().replaceFirst("^0+(?=.)", "");
        if (text.length() > 10 || new BigInteger(text).compareTo(INT_MAX) > 0) {
            diagnostics.add(cnnc.diag.Diagnostic.error(span, what + " " + cnnc.io.Echo.abbreviate(ctx.getText(), 24) + " is too large")
                    .withNote("the largest whole number cnnc accepts is 2,147,483,647 (Java's int)"));
            throw new BrokenStatement();
        }
        int value = Integer.parseInt(text);
        return new IntArg(negative ? -value : value, span);
    }

    private RealArg real(CnnParser.NumberContext ctx) {
        Token digits = numberToken(ctx);
        double value = Double.parseDouble(digits.getText());
        if (Double.isInfinite(value)) {
            diagnostics.add(cnnc.diag.Diagnostic.error(span(ctx), "the number " + ctx.getText() + " is too large"));
            throw new BrokenStatement();
        }
        return new RealArg(ctx.MINUS() != null ? -value : value, span(ctx));
    }

    private Token numberToken(CnnParser.NumberContext ctx) {
        require(ctx);
        TerminalNode node = ctx.INT() != null ? ctx.INT() : ctx.REAL();
        if (node == null || node.getSymbol().getStartIndex() < 0) {
            throw new BrokenStatement(); // conjured by error recovery: already reported
        }
        return node.getSymbol();
    }

    private Extent extent(CnnParser.DimsContext ctx, String what) {
        int[] dims = dims(ctx, what);
        Span span = span(ctx);
        return switch (dims.length) {
            case 1 -> new Extent(dims[0], dims[0], span);
            case 2 -> new Extent(dims[0], dims[1], span);
            default -> {
                diagnostics.add(cnnc.diag.Diagnostic.error(span,
                        "the " + what + " is height x width (e.g. 3x3), not " + dims.length + " sizes"));
                throw new BrokenStatement();
            }
        };
    }

    private int[] dims(CnnParser.DimsContext ctx, String what) {
        require(ctx);
        TerminalNode node = ctx.DIMS() != null ? ctx.DIMS() : ctx.INT();
        Token token = node == null ? null : node.getSymbol();
        if (token == null || token.getStartIndex() < 0) {
            throw new BrokenStatement();
        }
        String[] parts = token.getText().split("[xX]");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            BigInteger value = new BigInteger(parts[i]);
            if (value.compareTo(INT_MAX) > 0) {
                diagnostics.add(cnnc.diag.Diagnostic.error(span(ctx), "the " + what + " " + token.getText()
                        + " has a number that is too large: " + parts[i])
                        .withNote("the largest whole number cnnc accepts is 2,147,483,647 (Java's int)"));
                throw new BrokenStatement();
            }
            out[i] = value.intValue();
        }
        return out;
    }

    // ---- spans ---------------------------------------------------------------------------

    private static <T extends ParserRuleContext> T require(T ctx) {
        if (ctx == null || ctx.exception != null || ctx.getStart() == null || ctx.getStart().getType() == Token.EOF) {
            throw new BrokenStatement();
        }
        return ctx;
    }

    private Span span(ParserRuleContext ctx) {
        Token start = ctx.getStart();
        if (start == null) {
            return new Span(0, 1, 1, 1);
        }
        return span(start, ctx.getStop());
    }

    private Span span(Token start, Token stop) {
        int from = Math.max(0, start.getStartIndex());
        int to = stop == null || stop.getStopIndex() < from ? from + Math.max(1, start.getText().length())
                : stop.getStopIndex() + 1;
        return new Span(offsets.toChar(from), offsets.toChar(to), start.getLine(), start.getCharPositionInLine() + 1);
    }

}
